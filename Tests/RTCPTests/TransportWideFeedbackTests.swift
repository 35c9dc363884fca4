import Testing
import TestSupport
@testable import RTCP

@Suite struct TransportWideFeedbackTests {
    /// Built from arrivals with a gap, a delta over 255 ticks and a negative (reordered) delta.
    static let built: [UInt8] = [
        0x8F, 0xCD, 0x00, 0x06,  // V=2 P=0 FMT=15 | PT=205 RTPFB | length 6 (28 bytes)
        0x00, 0x00, 0x00, 0x01,  // sender SSRC 1
        0x00, 0x00, 0x00, 0x02,  // media SSRC 2
        0x00, 0x64, 0x00, 0x05,  // base sequence 100 | status count 5
        0x00, 0x00, 0x0F, 0x07,  // reference time 15 × 64 ms = 960 ms | feedback packet count 7
        0xD4, 0xA0, 0xA0, 0x02,  // 2-bit vector: small, small, not received, large, large, -, - | delta 160 | delta 2
        0x01, 0x8E, 0xFF, 0xFC,  // large delta 398 (99.5 ms) | large delta −4 (−1 ms)
    ]

    @Test func buildWithGapAndLargeDeltas() throws {
        let feedback = TransportWideFeedback.build(
            senderSSRC: 1, mediaSSRC: 2, feedbackPacketCount: 7,
            arrivals: [(100, 1_000_000), (101, 1_000_500), (102, nil), (103, 1_100_000), (104, 1_099_000)])
        #expect(feedback.baseSequenceNumber == 100)
        #expect(feedback.referenceTime == 15)
        #expect(feedback.packets.map(\.arrivalDeltaTicks) == [160, 2, nil, 398, -4])
        #expect(feedback.packets.map(\.sequenceNumber) == [100, 101, 102, 103, 104])
        let bytes = RTCPCompound.serialize([.transportWideFeedback(feedback)])
        #expect(bytes == Self.built)
        #expect(try roundTrip(bytes) == [.transportWideFeedback(feedback)])
        let times = feedback.arrivalMicros
        #expect(times.map(\.arrivalMicros) == [1_000_000, 1_000_500, nil, 1_100_000, 1_099_000])
    }

    /// pion/rtcp's TestTransportLayerCC_Unmarshal "example6": a 2-bit vector and a run longer than the count.
    /// What `write` writes straight into a buffer, from arrival times (negative: not received).
    static func written(_ arrivals: [Int64], base: UInt16, count: UInt8, room: Int = 4096) -> [UInt8]? {
        var out = [UInt8](repeating: 0xEE, count: room)
        var symbols = [UInt8](repeating: 0, count: arrivals.count)
        let length = arrivals.withUnsafeBufferPointer { arrivals in
            symbols.withUnsafeMutableBufferPointer { symbols in
                out.withUnsafeMutableBytes {
                    TransportWideFeedback.write(senderSSRC: 1, mediaSSRC: 2, baseSequenceNumber: base,
                                                feedbackPacketCount: count, arrivalsMicros: arrivals,
                                                symbols: symbols, into: $0)
                }
            }
        }
        return length.map { Array(out[0..<$0]) }
    }

    @Test func writeWritesTheAnnotatedBytes() {
        #expect(Self.written([1_000_000, 1_000_500, -1, 1_100_000, 1_099_000], base: 100, count: 7) == Self.built)
        #expect(Self.written([1_000_000, 1_000_500, -1, 1_100_000, 1_099_000], base: 100, count: 7, room: 27) == nil)
    }

    /// Random runs of small, large, negative and missing deltas, across the 24-bit reference time's wrap and the
    /// 16-bit delta's clamp: `write` writes what `build` and `serialize` make, byte for byte.
    @Test func writeMatchesBuildAndSerialize() {
        var generator = SystemRandomNumberGenerator()
        for round in 0..<300 {
            let count = Int.random(in: 1...400, using: &generator)
            var time = round % 3 == 0 ? (1 << 24) * 64_000 - 1_000_000 : Int64.random(in: 0...10_000_000_000)
            var arrivals: [Int64] = []
            for _ in 0..<count {
                switch Int.random(in: 0..<10, using: &generator) {
                case 0: arrivals.append(-1); continue
                case 1: time += Int64.random(in: -100_000...100_000, using: &generator)
                case 2: time += Int64.random(in: 8_000_000...9_000_000, using: &generator)  // beyond the clamp
                default: time += Int64.random(in: 0...20_000, using: &generator)
                }
                arrivals.append(max(time, 0))
            }
            let base = UInt16.random(in: 0...UInt16.max, using: &generator)
            let feedback = TransportWideFeedback.build(
                senderSSRC: 1, mediaSSRC: 2, feedbackPacketCount: UInt8(truncatingIfNeeded: round),
                arrivals: arrivals.enumerated().map { (base &+ UInt16(truncatingIfNeeded: $0), $1 >= 0 ? $1 : nil) })
            let expected = RTCPCompound.serialize([.transportWideFeedback(feedback)])
            #expect(Self.written(arrivals, base: base, count: UInt8(truncatingIfNeeded: round)) == expected)
        }
    }

    @Test func parseKnownExample() throws {
        let bytes: [UInt8] = [
            0xAF, 0xCD, 0x00, 0x07,  // V=2 P=1 FMT=15 | PT=205 | length 7 (32 bytes)
            0x9B, 0x74, 0xF6, 0x1F,  // sender SSRC 2608133663
            0x93, 0x71, 0xDC, 0xBC,  // media SSRC 2473712828
            0x85, 0x3C, 0x00, 0x09,  // base sequence 34108 | status count 9
            0x63, 0xF9, 0x16, 0xB3,  // reference time 6551830 | feedback packet count 179
            0xD5, 0x52, 0x00, 0x30,  // 2-bit vector: 5 × small, not received, large | run: 48 × not received
            0x9B, 0xAA, 0x6A, 0xAA,  // small deltas 155, 170, 106, 170
            0x7B, 0x01, 0x09, 0x01,  // small delta 123 | large delta 265 | 1 padding byte (count 1)
        ]
        let packets = try RTCPCompound.parse(bytes)
        let expected = TransportWideFeedback(
            senderSSRC: 2_608_133_663, mediaSSRC: 2_473_712_828, baseSequenceNumber: 34_108, referenceTime: 6_551_830,
            feedbackPacketCount: 179,
            packets: zip(34_108 ... 34_116, [155, 170, 106, 170, 123, nil, 265, nil, nil]).map {
                TWCCPacketStatus(sequenceNumber: UInt16($0), arrivalDeltaTicks: $1)
            })
        #expect(packets == [.transportWideFeedback(expected)])
        // Our encoder chooses a shorter run for the tail; the value survives the trip.
        #expect(try RTCPCompound.parse(RTCPCompound.serialize(packets)) == packets)
    }

    /// Byte-exact against pion/rtcp's TestTransportLayerCC_Marshal "example4" (run-length chunk) and "example5"
    /// (1-bit status vector), both with P-bit padding.
    @Test(arguments: [
        [
            0xAF, 0xCD, 0x00, 0x07,  // V=2 P=1 FMT=15 | PT=205 | length 7
            0xFA, 0x17, 0xFA, 0x17,  // sender SSRC
            0x19, 0x3D, 0xD8, 0xBB,  // media SSRC
            0x00, 0x04, 0x00, 0x07,  // base sequence 4 | status count 7
            0x10, 0x63, 0x6E, 0x01,  // reference time 1074030 | feedback packet count 1
            0x20, 0x07, 0x4C, 0x24,  // run: 7 × small | deltas 76, 36
            0x24, 0x10, 0x0C, 0x0C,  // deltas 36, 16, 12, 12
            0x10, 0x00, 0x00, 0x03,  // delta 16 | 3 padding bytes
        ],
        [
            0xAF, 0xCD, 0x00, 0x06,  // V=2 P=1 FMT=15 | PT=205 | length 6
            0xFA, 0x17, 0xFA, 0x17,  // sender SSRC
            0x19, 0x3D, 0xD8, 0xBB,  // media SSRC
            0x00, 0x01, 0x00, 0x0E,  // base sequence 1 | status count 14
            0x10, 0x63, 0x6D, 0x00,  // reference time 1074029 | feedback packet count 0
            0xBA, 0x00, 0x10, 0x0C,  // 1-bit vector: 1,1,1,0,1,0×9 | deltas 16, 12
            0x0C, 0x10, 0x00, 0x02,  // deltas 12, 16 | 2 padding bytes
        ],
    ] as [[UInt8]])
    func pionExamplesRoundTrip(bytes: [UInt8]) throws {
        _ = try roundTrip(bytes)
    }

    @Test func chunkChoice() {
        // 20 equal symbols → one run-length chunk.
        #expect(TransportWideFeedback.chunks(Array(repeating: 1, count: 20)) == [0x2014])
        // 14 mixed 0/1 symbols → one 1-bit vector.
        #expect(TransportWideFeedback.chunks([1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0]) == [0xAAAA])
        // A large delta among them → 2-bit vectors of 7.
        #expect(TransportWideFeedback.chunks([2, 1, 0, 1, 0, 1, 0, 1]) == [0xE444, 0x2001])
        // The run-length limit is 8191.
        #expect(TransportWideFeedback.chunks(Array(repeating: 0, count: 8192)) == [0x1FFF, 0x0001])
    }

    @Test func manyPacketsRoundTrip() throws {
        var rng = SeededGenerator(seed: 42)
        var time: Int64 = 123_456_789
        let arrivals: [(sequenceNumber: UInt16, arrivalMicros: Int64?)] = (0 ..< 500).map { i in
            time += Int64.random(in: -2_000 ... 80_000, using: &rng)
            let lost = Int.random(in: 0 ..< 10, using: &rng) == 0
            return (UInt16(truncatingIfNeeded: 65_400 + i), lost ? nil : time)
        }
        let feedback = TransportWideFeedback.build(
            senderSSRC: 9, mediaSSRC: 10, feedbackPacketCount: 255, arrivals: arrivals)
        let packets = try roundTrip(RTCPCompound.serialize([.transportWideFeedback(feedback)]))
        #expect(packets == [.transportWideFeedback(feedback)])
        // Reconstructed times are the arrivals rounded down to 250 µs (no 24-bit wrap at this clock value).
        for (original, back) in zip(arrivals, feedback.arrivalMicros) {
            #expect(original.sequenceNumber == back.sequenceNumber)
            #expect(back.arrivalMicros == original.arrivalMicros.map { $0 - $0 % 250 })
        }
    }

    @Test func reservedSymbolAndTruncationThrow() {
        var bytes = Self.built
        bytes[20] = 0xFC  // 2-bit vector starting with the reserved symbol 3
        #expect(throws: RTCPParseError.malformed(packetType: 205)) { try RTCPCompound.parse(bytes) }
        var short = Array(Self.built[0 ..< 24])
        short[3] = 0x05  // length 5: the deltas are cut off
        #expect(throws: RTCPParseError.malformed(packetType: 205)) { try RTCPCompound.parse(short) }
    }
}
