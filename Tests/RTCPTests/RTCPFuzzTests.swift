import Testing
import TestSupport
@testable import RTCP

@Suite struct RTCPFuzzTests {
    static var seeds: [[UInt8]] {
        [
            RTCPCompound.serialize([
                .senderReport(SenderReport(
                    ssrc: 1, ntpTimestamp: 2, rtpTimestamp: 3, packetCount: 4, octetCount: 5,
                    reports: [ReceptionReport(ssrc: 6, cumulativeLost: -3)])),
                .sourceDescription(SourceDescription(chunks: [.init(ssrc: 1, items: [.cname("x@y")])])),
                .goodbye(Goodbye(ssrcs: [1], reason: "bye")),
            ]),
            RTCPCompound.serialize([
                .receiverReport(ReceiverReport(ssrc: 1, reports: [ReceptionReport(ssrc: 2)])),
                .genericNACK(GenericNACK(senderSSRC: 1, mediaSSRC: 2, lost: [1, 3, 5, 40])),
                .pictureLossIndication(PictureLossIndication(senderSSRC: 1, mediaSSRC: 2)),
                .fullIntraRequest(FullIntraRequest(senderSSRC: 1, entries: [.init(ssrc: 2, sequenceNumber: 3)])),
                .remb(ReceiverEstimatedMaxBitrate(senderSSRC: 1, bitrate: 2_000_000, ssrcs: [2, 3])),
            ]),
            RTCPCompound.serialize([
                .transportWideFeedback(TransportWideFeedback.build(
                    senderSSRC: 1, mediaSSRC: 2, feedbackPacketCount: 3,
                    arrivals: [(10, 1_000), (11, nil), (12, 90_000), (13, 89_000), (14, 89_250)])),
            ]),
        ]
    }

    /// 10 000 inputs: mutations of valid compounds (bit flips, byte sets, truncation, splices) and random bytes.
    /// Nothing may trap, and whatever parses must re-serialize to bytes that parse to the same packets.
    @Test func parserNeverCrashes() {
        var rng = SeededGenerator(seed: 0x5EED_0002)
        let seeds = Self.seeds
        var parsed = 0
        for iteration in 0 ..< 10_000 {
            var input: [UInt8]
            if iteration % 4 != 3 {
                input = seeds[Int.random(in: 0 ..< seeds.count, using: &rng)]
                for _ in 0 ..< Int.random(in: 1 ... 4, using: &rng) {
                    guard !input.isEmpty else { break }
                    let index = Int.random(in: 0 ..< input.count, using: &rng)
                    switch Int.random(in: 0 ..< 4, using: &rng) {
                    case 0: input[index] ^= 1 << UInt8.random(in: 0 ..< 8, using: &rng)
                    case 1: input[index] = UInt8.random(in: 0 ... 255, using: &rng)
                    case 2: input.removeLast(Int.random(in: 0 ... min(8, input.count), using: &rng))
                    default: input.insert(contentsOf: seeds[0].prefix(8), at: index - index % 4)
                    }
                }
            } else {
                input = (0 ..< Int.random(in: 0 ..< 96, using: &rng)).map { _ in UInt8.random(in: 0 ... 255, using: &rng) }
                if !input.isEmpty { input[0] = input[0] & 0x3F | 0x80 }
                if input.count > 1 { input[1] = UInt8.random(in: 200 ... 207, using: &rng) }
            }
            guard let packets = try? RTCPCompound.parse(input) else { continue }
            parsed += 1
            let again = try? RTCPCompound.parse(RTCPCompound.serialize(packets))
            #expect(again == packets)
        }
        #expect(parsed > 500)
    }
}
