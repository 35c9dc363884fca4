/// REMB, application-layer feedback PT 206 FMT 15 with the identifier "REMB"
/// (draft-alvestrand-rmcat-remb-03 §2.2): the bitrate as an 18-bit mantissa and 6-bit exponent, and the SSRCs
/// it applies to.
public struct ReceiverEstimatedMaxBitrate: Equatable, Sendable {
    public static let packetType: UInt8 = 206
    public static let format: UInt8 = 15
    static let identifier: [UInt8] = [0x52, 0x45, 0x4D, 0x42]  // "REMB"

    public var senderSSRC: UInt32
    /// Bits per second. Serialization keeps the top 18 significant bits (rounds down); parsing saturates at
    /// `maxEncodableBitrate`.
    public var bitrate: UInt64
    /// At most 255.
    public var ssrcs: [UInt32]

    public init(senderSSRC: UInt32, bitrate: UInt64, ssrcs: [UInt32]) {
        self.senderSSRC = senderSSRC
        self.bitrate = bitrate
        self.ssrcs = ssrcs
    }

    /// 0x3FFFF << 46: the largest value the 18-bit mantissa and 6-bit exponent can carry without overflowing
    /// 64 bits.
    public static let maxEncodableBitrate: UInt64 = 0x3FFFF << 46

    /// The smallest exponent whose mantissa fits 18 bits.
    public static func encode(bitrate: UInt64) -> (exponent: UInt8, mantissa: UInt32) {
        var exponent: UInt8 = 0
        while bitrate >> exponent >= 1 << 18 { exponent += 1 }
        return (exponent, UInt32(bitrate >> exponent))
    }

    public static func decode(exponent: UInt8, mantissa: UInt32) -> UInt64 {
        let m = UInt64(mantissa)
        guard m != 0 else { return 0 }
        guard exponent < 64, m <= UInt64.max >> exponent else { return maxEncodableBitrate }
        return min(m << exponent, maxEncodableBitrate)
    }

    /// nil when the FMT 15 packet is not a REMB (another application-layer feedback message).
    init?(body: UnsafeRawBufferPointer) throws(RTCPParseError) {
        var r = ByteReader(body, packetType: Self.packetType)
        guard body.count >= 12, Array(body[8 ..< 12]) == Self.identifier else { return nil }
        senderSSRC = try r.uint32()
        _ = try r.uint32()  // media SSRC, always 0
        try r.skip(4)  // "REMB"
        let count = Int(try r.uint8())
        let exponent = try r.uint8()
        let mantissaLow = try r.uint16()
        let mantissa = UInt32(exponent & 0x03) << 16 | UInt32(mantissaLow)
        bitrate = Self.decode(exponent: exponent >> 2, mantissa: mantissa)
        try r.need(4 * count)
        ssrcs = []
        for _ in 0 ..< count { ssrcs.append(try r.uint32()) }
    }

    func serialize(into out: inout [UInt8]) {
        precondition(ssrcs.count <= 255, "REMB carries at most 255 SSRCs")
        let start = RTCPHeader.begin(&out, count: Self.format, packetType: Self.packetType)
        out.appendBigEndian(senderSSRC)
        out.appendBigEndian(UInt32(0))
        out.append(contentsOf: Self.identifier)
        let (exponent, mantissa) = Self.encode(bitrate: bitrate)
        out.append(UInt8(ssrcs.count))
        out.append(exponent << 2 | UInt8(mantissa >> 16))
        out.appendBigEndian(UInt16(truncatingIfNeeded: mantissa))
        for ssrc in ssrcs { out.appendBigEndian(ssrc) }
        RTCPHeader.end(&out, start: start)
    }
}
