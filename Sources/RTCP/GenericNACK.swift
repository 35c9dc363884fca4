/// Generic NACK, transport-layer feedback PT 205 FMT 1 (RFC 4585 §6.2.1): pairs of a lost packet id (PID)
/// and a bitmask of the 16 following lost packets (BLP; bit i = PID + i + 1).
public struct GenericNACK: Equatable, Sendable {
    public static let packetType: UInt8 = 205
    public static let format: UInt8 = 1

    public struct Pair: Equatable, Sendable {
        public var packetID: UInt16
        public var lostBitmask: UInt16

        public init(packetID: UInt16, lostBitmask: UInt16) {
            self.packetID = packetID
            self.lostBitmask = lostBitmask
        }
    }

    public var senderSSRC: UInt32
    public var mediaSSRC: UInt32
    public var pairs: [Pair]

    public init(senderSSRC: UInt32, mediaSSRC: UInt32, pairs: [Pair]) {
        self.senderSSRC = senderSSRC
        self.mediaSSRC = mediaSSRC
        self.pairs = pairs
    }

    /// Packs lost sequence numbers into pairs. Give them in sending order (ascending modulo 2^16, wrap allowed);
    /// a number within 16 after the current pair's PID goes into its BLP, anything else starts a new pair.
    public init(senderSSRC: UInt32, mediaSSRC: UInt32, lost: [UInt16]) {
        var pairs: [Pair] = []
        for sequence in lost {
            if let last = pairs.last {
                let delta = sequence &- last.packetID
                if delta == 0 { continue }
                if delta <= 16 {
                    pairs[pairs.count - 1].lostBitmask |= 1 << (delta - 1)
                    continue
                }
            }
            pairs.append(Pair(packetID: sequence, lostBitmask: 0))
        }
        self.init(senderSSRC: senderSSRC, mediaSSRC: mediaSSRC, pairs: pairs)
    }

    /// Every sequence number the pairs announce, in wire order.
    public var lostSequenceNumbers: [UInt16] {
        var lost: [UInt16] = []
        for pair in pairs {
            lost.append(pair.packetID)
            for bit in 0 ..< 16 where pair.lostBitmask & (1 << bit) != 0 {
                lost.append(pair.packetID &+ UInt16(bit + 1))
            }
        }
        return lost
    }

    init(body: UnsafeRawBufferPointer) throws(RTCPParseError) {
        var r = ByteReader(body, packetType: Self.packetType)
        senderSSRC = try r.uint32()
        mediaSSRC = try r.uint32()
        guard r.remaining % 4 == 0, r.remaining > 0 else { throw r.malformed() }
        pairs = []
        while r.remaining >= 4 {
            pairs.append(Pair(packetID: try r.uint16(), lostBitmask: try r.uint16()))
        }
    }

    func serialize(into out: inout [UInt8]) {
        let start = RTCPHeader.begin(&out, count: Self.format, packetType: Self.packetType)
        out.appendBigEndian(senderSSRC)
        out.appendBigEndian(mediaSSRC)
        for pair in pairs {
            out.appendBigEndian(pair.packetID)
            out.appendBigEndian(pair.lostBitmask)
        }
        RTCPHeader.end(&out, start: start)
    }
}
