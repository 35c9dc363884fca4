/// A reception report block of an SR or RR (RFC 3550 §6.4.1), 24 bytes.
public struct ReceptionReport: Equatable, Sendable {
    public var ssrc: UInt32
    public var fractionLost: UInt8
    /// 24-bit signed on the wire (−8_388_608 ... 8_388_607); serialization clamps to that range.
    public var cumulativeLost: Int32
    public var extendedHighestSequence: UInt32
    public var jitter: UInt32
    public var lastSenderReport: UInt32
    public var delaySinceLastSenderReport: UInt32

    public init(
        ssrc: UInt32, fractionLost: UInt8 = 0, cumulativeLost: Int32 = 0, extendedHighestSequence: UInt32 = 0,
        jitter: UInt32 = 0, lastSenderReport: UInt32 = 0, delaySinceLastSenderReport: UInt32 = 0
    ) {
        self.ssrc = ssrc
        self.fractionLost = fractionLost
        self.cumulativeLost = cumulativeLost
        self.extendedHighestSequence = extendedHighestSequence
        self.jitter = jitter
        self.lastSenderReport = lastSenderReport
        self.delaySinceLastSenderReport = delaySinceLastSenderReport
    }

    static let length = 24

    init(reading r: inout ByteReader) throws(RTCPParseError) {
        ssrc = try r.uint32()
        fractionLost = try r.uint8()
        let lost = try r.uint24()
        cumulativeLost = Int32(bitPattern: lost << 8) >> 8  // sign-extend 24 bits
        extendedHighestSequence = try r.uint32()
        jitter = try r.uint32()
        lastSenderReport = try r.uint32()
        delaySinceLastSenderReport = try r.uint32()
    }

    func serialize(into out: inout [UInt8]) {
        out.appendBigEndian(ssrc)
        out.append(fractionLost)
        let clamped = min(max(cumulativeLost, -0x80_0000), 0x7F_FFFF)
        out.appendBigEndian24(UInt32(bitPattern: clamped) & 0xFF_FFFF)
        out.appendBigEndian(extendedHighestSequence)
        out.appendBigEndian(jitter)
        out.appendBigEndian(lastSenderReport)
        out.appendBigEndian(delaySinceLastSenderReport)
    }

    static func readAll(_ count: Int, from r: inout ByteReader) throws(RTCPParseError) -> [ReceptionReport] {
        try r.need(count * length)
        var reports: [ReceptionReport] = []
        reports.reserveCapacity(count)
        for _ in 0 ..< count { reports.append(try ReceptionReport(reading: &r)) }
        return reports
    }
}
