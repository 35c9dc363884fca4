/// Telling RTCP from RTP on a muxed port (RFC 5761 §4).
public enum RTPDemux {
    /// RTCP packet types 192...223 occupy the second byte where RTP has marker + payload type
    /// (payload types 64...95 with either marker value), which RFC 5761 forbids for RTP.
    @inlinable
    public static func isRTCP(packetTypeByte: UInt8) -> Bool {
        packetTypeByte >= 192 && packetTypeByte <= 223
    }

    /// True if these bytes (after SRTP/SRTCP demux by first byte, RFC 7983) are RTCP: at least a 4-byte header,
    /// version 2, and a second byte in 192...223.
    @inlinable
    public static func isRTCP(_ bytes: UnsafeRawBufferPointer) -> Bool {
        bytes.count >= 4 && bytes[0] >> 6 == 2 && isRTCP(packetTypeByte: bytes[1])
    }

    /// True if these bytes can be RTP: at least the 12-byte fixed header, version 2, and a second byte outside
    /// RTCP's packet types. The header stays clear under SRTP, so this holds before and after decryption.
    @inlinable
    public static func isRTP(_ bytes: UnsafeRawBufferPointer) -> Bool {
        bytes.count >= 12 && bytes[0] >> 6 == 2 && !isRTCP(packetTypeByte: bytes[1])
    }
}
