/// RR, packet type 201 (RFC 3550 §6.4.2). Profile-specific extensions after the report blocks are not kept.
public struct ReceiverReport: Equatable, Sendable {
    public static let packetType: UInt8 = 201

    public var ssrc: UInt32
    /// At most 31.
    public var reports: [ReceptionReport]

    public init(ssrc: UInt32, reports: [ReceptionReport] = []) {
        self.ssrc = ssrc
        self.reports = reports
    }

    init(count: UInt8, body: UnsafeRawBufferPointer) throws(RTCPParseError) {
        var r = ByteReader(body, packetType: Self.packetType)
        ssrc = try r.uint32()
        reports = try ReceptionReport.readAll(Int(count), from: &r)
    }

    func serialize(into out: inout [UInt8]) {
        let start = RTCPHeader.begin(&out, count: UInt8(reports.count), packetType: Self.packetType)
        out.appendBigEndian(ssrc)
        for report in reports { report.serialize(into: &out) }
        RTCPHeader.end(&out, start: start)
    }
}
