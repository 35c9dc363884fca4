/// One packet's entry in a transport-wide feedback message.
public struct TWCCPacketStatus: Equatable, Sendable {
    public var sequenceNumber: UInt16
    /// nil = not received. Otherwise the arrival time in ticks of 250 µs after the previous received packet's
    /// (the first received packet: after the reference time). 0...255 is sent in 1 byte, anything else
    /// (negative or larger) in 2 bytes, signed.
    public var arrivalDeltaTicks: Int?

    public init(sequenceNumber: UInt16, arrivalDeltaTicks: Int?) {
        self.sequenceNumber = sequenceNumber
        self.arrivalDeltaTicks = arrivalDeltaTicks
    }
}

/// Transport-wide congestion-control feedback, transport-layer feedback PT 205 FMT 15
/// (draft-holmer-rmcat-transport-wide-cc-extensions-01 §3.1).
///
///     | sender SSRC | media SSRC | base seq (16) | status count (16) | reference time (24, signed) | fb count (8) |
///     | packet chunks (16 bits each) ... | recv deltas (8 or 16 bits each) ... | padding to 32 bits |
public struct TransportWideFeedback: Equatable, Sendable {
    public static let packetType: UInt8 = 205
    public static let format: UInt8 = 15
    /// Microseconds per reference-time unit.
    public static let referenceTimeUnitMicros: Int64 = 64_000
    /// Microseconds per receive-delta tick.
    public static let tickMicros: Int64 = 250

    public var senderSSRC: UInt32
    public var mediaSSRC: UInt32
    public var baseSequenceNumber: UInt16
    /// 24-bit signed, in multiples of 64 ms.
    public var referenceTime: Int32
    public var feedbackPacketCount: UInt8
    /// One entry per sequence number from `baseSequenceNumber` on, consecutive. Serialization takes the sequence
    /// numbers from `baseSequenceNumber` and the order of this array; parsing fills them in.
    public var packets: [TWCCPacketStatus]

    public init(
        senderSSRC: UInt32, mediaSSRC: UInt32, baseSequenceNumber: UInt16, referenceTime: Int32,
        feedbackPacketCount: UInt8, packets: [TWCCPacketStatus]
    ) {
        self.senderSSRC = senderSSRC
        self.mediaSSRC = mediaSSRC
        self.baseSequenceNumber = baseSequenceNumber
        self.referenceTime = referenceTime
        self.feedbackPacketCount = feedbackPacketCount
        self.packets = packets
    }

    /// Builds feedback from arrival times (any monotonic clock, in µs). `arrivals` are sorted by sequence number
    /// and consecutive, nil for packets not received. The reference time is the first arrival rounded down to
    /// 64 ms (wrapped to 24 bits); deltas count 250 µs ticks between absolute tick positions, so rounding never
    /// accumulates. A delta beyond ±8.19 s cannot be sent and is clamped (later deltas stay exact).
    public static func build(
        senderSSRC: UInt32, mediaSSRC: UInt32, feedbackPacketCount: UInt8,
        arrivals: [(sequenceNumber: UInt16, arrivalMicros: Int64?)]
    ) -> TransportWideFeedback {
        let reference = reference(firstArrival: arrivals.lazy.compactMap(\.arrivalMicros).first ?? 0)
        var previousTicks = reference.ticks
        var packets: [TWCCPacketStatus] = []
        packets.reserveCapacity(arrivals.count)
        for arrival in arrivals {
            guard let micros = arrival.arrivalMicros else {
                packets.append(TWCCPacketStatus(sequenceNumber: arrival.sequenceNumber, arrivalDeltaTicks: nil))
                continue
            }
            let delta = clampedDelta(micros, after: &previousTicks)
            packets.append(TWCCPacketStatus(sequenceNumber: arrival.sequenceNumber, arrivalDeltaTicks: delta))
        }
        let wrapped = Int32(truncatingIfNeeded: reference.units << 8) >> 8  // low 24 bits, sign-extended
        return TransportWideFeedback(
            senderSSRC: senderSSRC, mediaSSRC: mediaSSRC, baseSequenceNumber: arrivals.first?.sequenceNumber ?? 0,
            referenceTime: wrapped, feedbackPacketCount: feedbackPacketCount, packets: packets)
    }

    /// Arrival times in µs on the sender's 24-bit reference-time scale (reference time × 64 ms + deltas).
    public var arrivalMicros: [(sequenceNumber: UInt16, arrivalMicros: Int64?)] {
        var time = Int64(referenceTime) * Self.referenceTimeUnitMicros
        return packets.map { status in
            guard let delta = status.arrivalDeltaTicks else { return (status.sequenceNumber, nil) }
            time += Int64(delta) * Self.tickMicros
            return (status.sequenceNumber, time)
        }
    }

    static func floorDivide(_ a: Int64, _ b: Int64) -> Int64 {
        let q = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
    }

    // Status symbols (§3.1.1).
    static let notReceived: UInt8 = 0
    static let smallDelta: UInt8 = 1
    static let largeDelta: UInt8 = 2

    static func symbol(_ delta: Int?) -> UInt8 {
        guard let delta else { return notReceived }
        return (0 ... 255).contains(delta) ? smallDelta : largeDelta
    }

    init(body: UnsafeRawBufferPointer) throws(RTCPParseError) {
        var r = ByteReader(body, packetType: Self.packetType)
        senderSSRC = try r.uint32()
        mediaSSRC = try r.uint32()
        baseSequenceNumber = try r.uint16()
        let statusCount = Int(try r.uint16())
        let reference = try r.uint24()
        referenceTime = Int32(bitPattern: reference << 8) >> 8
        feedbackPacketCount = try r.uint8()

        var symbols: [UInt8] = []
        symbols.reserveCapacity(statusCount)
        while symbols.count < statusCount {
            let chunk = try r.uint16()
            let left = statusCount - symbols.count
            if chunk & 0x8000 == 0 {  // run length: 0 | S(2) | length(13)
                let symbol = UInt8((chunk >> 13) & 0x03)
                let run = Int(chunk & 0x1FFF)
                guard run > 0 else { throw r.malformed() }
                symbols.append(contentsOf: repeatElement(symbol, count: min(run, left)))
            } else if chunk & 0x4000 == 0 {  // status vector, 14 × 1 bit
                for k in 0 ..< min(14, left) { symbols.append(UInt8((chunk >> (13 - k)) & 0x01)) }
            } else {  // status vector, 7 × 2 bits
                for k in 0 ..< min(7, left) { symbols.append(UInt8((chunk >> (12 - 2 * k)) & 0x03)) }
            }
        }

        packets = []
        packets.reserveCapacity(statusCount)
        for (index, symbol) in symbols.enumerated() {
            let sequence = baseSequenceNumber &+ UInt16(truncatingIfNeeded: index)
            let delta: Int?
            switch symbol {
            case Self.notReceived: delta = nil
            case Self.smallDelta: delta = Int(try r.uint8())
            case Self.largeDelta: delta = Int(Int16(bitPattern: try r.uint16()))
            default: throw r.malformed()  // 3 is reserved
            }
            packets.append(TWCCPacketStatus(sequenceNumber: sequence, arrivalDeltaTicks: delta))
        }
        // What remains is padding.
    }

    /// Chooses chunks greedily: a run-length chunk for 7 or more equal symbols, else a 1-bit status vector when
    /// the next 14 symbols are all "not received"/"small", else a 2-bit vector of 7. Unused trailing slots of the
    /// last vector are 0 (receivers stop at the status count).
    static func chunks(_ symbols: [UInt8]) -> [UInt16] {
        var chunks: [UInt16] = []
        symbols.withUnsafeBufferPointer { forEachChunk($0) { chunks.append($0) } }
        return chunks
    }

    /// `chunks`, one at a time and without allocating (`wireLength` sizes the message with it, `writeWire` fills it).
    static func forEachChunk(_ symbols: UnsafeBufferPointer<UInt8>, _ body: (UInt16) -> Void) {
        var i = 0
        while i < symbols.count {
            var run = 1
            while i + run < symbols.count, symbols[i + run] == symbols[i], run < 0x1FFF { run += 1 }
            let left = symbols.count - i
            if run >= 7 || run == left {
                body(UInt16(symbols[i]) << 13 | UInt16(run))
                i += run
            } else if left > 7, UnsafeBufferPointer(rebasing: symbols[i ..< i + min(14, left)]).allSatisfy({ $0 <= 1 }) {
                var chunk: UInt16 = 0x8000
                for k in 0 ..< min(14, left) { chunk |= UInt16(symbols[i + k]) << (13 - k) }
                body(chunk)
                i += min(14, left)
            } else {
                var chunk: UInt16 = 0xC000
                for k in 0 ..< min(7, left) { chunk |= UInt16(symbols[i + k]) << (12 - 2 * k) }
                body(chunk)
                i += min(7, left)
            }
        }
    }

    func serialize(into out: inout [UInt8]) {
        precondition(packets.count <= 0xFFFF, "too many packets for one feedback message")
        let symbols = packets.map { Self.symbol($0.arrivalDeltaTicks) }
        let deltaBytes = symbols.reduce(0) { $0 + ($1 == Self.smallDelta ? 1 : $1 == Self.largeDelta ? 2 : 0) }
        symbols.withUnsafeBufferPointer { statuses in
            let length = Self.wireLength(statuses: statuses, deltaBytes: deltaBytes)
            let start = out.count
            out.append(contentsOf: repeatElement(0, count: length))
            out.withUnsafeMutableBytes { bytes in
                Self.writeWire(senderSSRC: senderSSRC, mediaSSRC: mediaSSRC, baseSequenceNumber: baseSequenceNumber,
                               referenceTime: UInt32(bitPattern: referenceTime), feedbackPacketCount: feedbackPacketCount,
                               statuses: statuses, length: length, into: bytes.baseAddress! + start) { put in
                    for status in packets { if let delta = status.arrivalDeltaTicks { put(delta) } }
                }
            }
        }
    }
}
