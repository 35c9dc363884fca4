/// SR, packet type 200 (RFC 3550 §6.4.1). Profile-specific extensions after the report blocks are not kept.
public struct SenderReport: Equatable, Sendable {
    public static let packetType: UInt8 = 200

    public var ssrc: UInt32
    public var ntpTimestamp: UInt64
    public var rtpTimestamp: UInt32
    public var packetCount: UInt32
    public var octetCount: UInt32
    /// At most 31.
    public var reports: [ReceptionReport]

    public init(
        ssrc: UInt32, ntpTimestamp: UInt64, rtpTimestamp: UInt32, packetCount: UInt32, octetCount: UInt32,
        reports: [ReceptionReport] = []
    ) {
        self.ssrc = ssrc
        self.ntpTimestamp = ntpTimestamp
        self.rtpTimestamp = rtpTimestamp
        self.packetCount = packetCount
        self.octetCount = octetCount
        self.reports = reports
    }

    init(count: UInt8, body: UnsafeRawBufferPointer) throws(RTCPParseError) {
        var r = ByteReader(body, packetType: Self.packetType)
        ssrc = try r.uint32()
        ntpTimestamp = try r.uint64()
        rtpTimestamp = try r.uint32()
        packetCount = try r.uint32()
        octetCount = try r.uint32()
        reports = try ReceptionReport.readAll(Int(count), from: &r)
    }

    func serialize(into out: inout [UInt8]) {
        let start = RTCPHeader.begin(&out, count: UInt8(reports.count), packetType: Self.packetType)
        out.appendBigEndian(ssrc)
        out.appendBigEndian(ntpTimestamp)
        out.appendBigEndian(rtpTimestamp)
        out.appendBigEndian(packetCount)
        out.appendBigEndian(octetCount)
        for report in reports { report.serialize(into: &out) }
        RTCPHeader.end(&out, start: start)
    }
}
