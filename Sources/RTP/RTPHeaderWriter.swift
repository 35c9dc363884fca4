/// Writes the 12-byte fixed RTP header (RFC 3550 §5.1): version 2, no padding, no CSRCs.
public enum RTPHeaderWriter {
    /// The buffer must hold at least 12 bytes. Sets the X bit when `hasExtension` is true; the caller writes the
    /// extension block at offset 12 (see `RTPExtensionWriter`).
    @inlinable
    public static func write(
        into buffer: UnsafeMutableRawBufferPointer, marker: Bool, payloadType: UInt8, sequenceNumber: UInt16,
        timestamp: UInt32, ssrc: UInt32, hasExtension: Bool
    ) {
        precondition(buffer.count >= 12, "an RTP header needs 12 bytes")
        buffer[0] = 0x80 | (hasExtension ? 0x10 : 0)
        buffer[1] = (marker ? 0x80 : 0) | (payloadType & 0x7F)
        buffer.storeBigEndian(sequenceNumber, at: 2)
        buffer.storeBigEndian(timestamp, at: 4)
        buffer.storeBigEndian(ssrc, at: 8)
    }
}
