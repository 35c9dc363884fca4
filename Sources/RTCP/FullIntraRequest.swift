/// FIR, payload-specific feedback PT 206 FMT 4 (RFC 5104 §4.3.1). The media SSRC field is 0; the targets are in
/// the FCI entries: SSRC, command sequence number, 3 reserved bytes.
public struct FullIntraRequest: Equatable, Sendable {
    public static let packetType: UInt8 = 206
    public static let format: UInt8 = 4

    public struct Entry: Equatable, Sendable {
        public var ssrc: UInt32
        /// Incremented by the sender for each new request (not for repetitions).
        public var sequenceNumber: UInt8

        public init(ssrc: UInt32, sequenceNumber: UInt8) {
            self.ssrc = ssrc
            self.sequenceNumber = sequenceNumber
        }
    }

    public var senderSSRC: UInt32
    /// Should be 0 (RFC 5104); kept as received.
    public var mediaSSRC: UInt32
    public var entries: [Entry]

    public init(senderSSRC: UInt32, mediaSSRC: UInt32 = 0, entries: [Entry]) {
        self.senderSSRC = senderSSRC
        self.mediaSSRC = mediaSSRC
        self.entries = entries
    }

    init(body: UnsafeRawBufferPointer) throws(RTCPParseError) {
        var r = ByteReader(body, packetType: Self.packetType)
        senderSSRC = try r.uint32()
        mediaSSRC = try r.uint32()
        guard r.remaining % 8 == 0, r.remaining > 0 else { throw r.malformed() }
        entries = []
        while r.remaining >= 8 {
            let ssrc = try r.uint32()
            let sequence = try r.uint8()
            try r.skip(3)
            entries.append(Entry(ssrc: ssrc, sequenceNumber: sequence))
        }
    }

    func serialize(into out: inout [UInt8]) {
        let start = RTCPHeader.begin(&out, count: Self.format, packetType: Self.packetType)
        out.appendBigEndian(senderSSRC)
        out.appendBigEndian(mediaSSRC)
        for entry in entries {
            out.appendBigEndian(entry.ssrc)
            out.append(entry.sequenceNumber)
            out.append(contentsOf: [0, 0, 0])
        }
        RTCPHeader.end(&out, start: start)
    }
}
