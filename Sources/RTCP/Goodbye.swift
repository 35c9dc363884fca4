/// BYE, packet type 203 (RFC 3550 §6.6): the leaving SSRCs and an optional reason (length-prefixed text).
public struct Goodbye: Equatable, Sendable {
    public static let packetType: UInt8 = 203

    /// At most 31.
    public var ssrcs: [UInt32]
    /// At most 255 bytes, UTF-8 by convention.
    public var reason: [UInt8]?

    public init(ssrcs: [UInt32], reason: [UInt8]? = nil) {
        self.ssrcs = ssrcs
        self.reason = reason
    }

    public init(ssrcs: [UInt32], reason: String) {
        self.init(ssrcs: ssrcs, reason: Array(reason.utf8))
    }

    public var reasonText: String? { reason.map { String(decoding: $0, as: UTF8.self) } }

    init(count: UInt8, body: UnsafeRawBufferPointer) throws(RTCPParseError) {
        var r = ByteReader(body, packetType: Self.packetType)
        try r.need(4 * Int(count))
        ssrcs = []
        for _ in 0 ..< count { ssrcs.append(try r.uint32()) }
        if r.remaining > 0 {
            let length = Int(try r.uint8())
            reason = try r.bytes(length)
        } else {
            reason = nil
        }
    }

    func serialize(into out: inout [UInt8]) {
        let start = RTCPHeader.begin(&out, count: UInt8(ssrcs.count), packetType: Self.packetType)
        for ssrc in ssrcs { out.appendBigEndian(ssrc) }
        if let reason {
            precondition(reason.count <= 255, "BYE reason is at most 255 bytes")
            out.append(UInt8(reason.count))
            out.append(contentsOf: reason)
        }
        RTCPHeader.end(&out, start: start)
    }
}
