import Testing
import TestSupport
@testable import RTP

@Suite struct RTPFuzzTests {
    static let seeds: [[UInt8]] = [
        RTPPacket(
            marker: true, payloadType: 96, sequenceNumber: 9, timestamp: 10, ssrc: 11, csrcs: [1, 2],
            extensions: [RTPHeaderExtension(id: 3, value: [1, 2, 3]), RTPHeaderExtension(id: 5, value: [4, 5])],
            payload: [0x90, 0xF0, 0xD2, 0x34, 0x07, 0x65, 0x00, 1, 2, 3], paddingLength: 3
        ).serialize(),
        RTPPacket(
            payloadType: 100, extensions: [RTPHeaderExtension(id: 100, value: [])], payload: [0x10, 0x00]
        ).serialize(),
    ]

    /// 10 000 inputs: half mutations of valid packets (bit flips, byte sets, truncation), half random bytes.
    /// Nothing may trap; whatever the view accepts the owning parser must agree with on the basic fields.
    @Test func parsersNeverCrash() {
        var rng = SeededGenerator(seed: 0x5EED_0001)
        var accepted = 0
        for iteration in 0 ..< 10_000 {
            var input: [UInt8]
            if iteration % 2 == 0 {
                input = Self.seeds[Int.random(in: 0 ..< Self.seeds.count, using: &rng)]
                for _ in 0 ..< Int.random(in: 1 ... 4, using: &rng) {
                    guard !input.isEmpty else { break }
                    let index = Int.random(in: 0 ..< input.count, using: &rng)
                    switch Int.random(in: 0 ..< 3, using: &rng) {
                    case 0: input[index] ^= 1 << UInt8.random(in: 0 ..< 8, using: &rng)
                    case 1: input[index] = UInt8.random(in: 0 ... 255, using: &rng)
                    default: input.removeLast(Int.random(in: 0 ... min(8, input.count), using: &rng))
                    }
                }
            } else {
                input = (0 ..< Int.random(in: 0 ..< 64, using: &rng)).map { _ in UInt8.random(in: 0 ... 255, using: &rng) }
                if !input.isEmpty { input[0] = input[0] & 0x3F | 0x80 }  // version 2 most of the time
            }
            input.withUnsafeBytes { raw in
                if let view = RTPView(raw) {
                    accepted += 1
                    var elements = 0
                    view.forEachExtension { _, range in
                        #expect(range.upperBound <= view.extensionRange.upperBound)
                        elements += 1
                    }
                    _ = view.extensionElement(id: 5)
                    #expect(view.payloadRange.lowerBound == view.headerLength)
                    #expect(view.payloadRange.upperBound <= raw.count)
                    _ = VP8PayloadDescriptor(UnsafeRawBufferPointer(rebasing: raw[view.payloadRange]))
                } else {
                    #expect((try? RTPPacket(parsing: input)) == nil)
                }
            }
            if let packet = try? RTPPacket(parsing: input) {
                // A successfully parsed packet re-serializes to something that parses to the same value.
                #expect((try? RTPPacket(parsing: packet.serialize())) == packet)
            }
        }
        #expect(accepted > 1_000)  // the mutations keep reaching the deep paths
    }
}
