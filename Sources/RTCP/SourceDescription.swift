/// SDES, packet type 202 (RFC 3550 §6.5): chunks of (SSRC, items), each chunk ended by a null item and
/// padded with zeros to 32 bits.
public struct SourceDescription: Equatable, Sendable {
    public static let packetType: UInt8 = 202

    public struct Item: Equatable, Sendable {
        /// 1 = CNAME, 2 = NAME, ... 8 = PRIV (RFC 3550 §6.5).
        public var type: UInt8
        /// At most 255 bytes.
        public var text: [UInt8]

        public init(type: UInt8, text: [UInt8]) {
            self.type = type
            self.text = text
        }

        public static let cnameType: UInt8 = 1

        public static func cname(_ name: String) -> Item { Item(type: cnameType, text: Array(name.utf8)) }
    }

    public struct Chunk: Equatable, Sendable {
        public var ssrc: UInt32
        public var items: [Item]

        public init(ssrc: UInt32, items: [Item]) {
            self.ssrc = ssrc
            self.items = items
        }

        /// The CNAME item's text, decoded as UTF-8.
        public var cname: String? {
            items.first { $0.type == Item.cnameType }.map { String(decoding: $0.text, as: UTF8.self) }
        }
    }

    /// At most 31.
    public var chunks: [Chunk]

    public init(chunks: [Chunk]) {
        self.chunks = chunks
    }

    init(count: UInt8, body: UnsafeRawBufferPointer) throws(RTCPParseError) {
        var r = ByteReader(body, packetType: Self.packetType)
        chunks = []
        for _ in 0 ..< count {
            let ssrc = try r.uint32()
            var items: [Item] = []
            while true {
                let type = try r.uint8()
                if type == 0 {
                    // The null item; the chunk is padded with zeros up to the next 32-bit boundary.
                    try r.skip((4 - r.offset % 4) % 4)
                    break
                }
                let length = Int(try r.uint8())
                items.append(Item(type: type, text: try r.bytes(length)))
            }
            chunks.append(Chunk(ssrc: ssrc, items: items))
        }
    }

    func serialize(into out: inout [UInt8]) {
        let start = RTCPHeader.begin(&out, count: UInt8(chunks.count), packetType: Self.packetType)
        for chunk in chunks {
            out.appendBigEndian(chunk.ssrc)
            for item in chunk.items {
                precondition(item.text.count <= 255, "SDES item text is at most 255 bytes")
                out.append(item.type)
                out.append(UInt8(item.text.count))
                out.append(contentsOf: item.text)
            }
            // Null item, then zeros to the boundary: 1...4 zero bytes in all.
            out.append(0)
            while (out.count - start) % 4 != 0 { out.append(0) }
        }
        RTCPHeader.end(&out, start: start)
    }
}
