/// PLI, payload-specific feedback PT 206 FMT 1 (RFC 4585 §6.3.1). No FCI.
public struct PictureLossIndication: Equatable, Sendable {
    public static let packetType: UInt8 = 206
    public static let format: UInt8 = 1

    public var senderSSRC: UInt32
    public var mediaSSRC: UInt32

    public init(senderSSRC: UInt32, mediaSSRC: UInt32) {
        self.senderSSRC = senderSSRC
        self.mediaSSRC = mediaSSRC
    }

    /// Trailing bytes (there should be none) are ignored, as libwebrtc does.
    init(body: UnsafeRawBufferPointer) throws(RTCPParseError) {
        var r = ByteReader(body, packetType: Self.packetType)
        senderSSRC = try r.uint32()
        mediaSSRC = try r.uint32()
    }

    func serialize(into out: inout [UInt8]) {
        let start = RTCPHeader.begin(&out, count: Self.format, packetType: Self.packetType)
        out.appendBigEndian(senderSSRC)
        out.appendBigEndian(mediaSSRC)
        RTCPHeader.end(&out, start: start)
    }
}
