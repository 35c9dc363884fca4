import Testing
import STUN
import ICE
import TestSupport

/// Mutates valid messages (bit flips, byte sets, truncation, extension, length-field edits, splices) and feeds
/// every result to the parser, the verifiers, the demux test, the ufrag extractor and an ICE agent. Nothing may
/// crash; whatever parses must re-serialize and parse back to the same value.
@Suite struct STUNFuzzTests {
    static let seeds: [[UInt8]] = {
        let key = Array("VOkJxbRl1RmTxUk/WvJxBt".utf8)
        let id: [UInt8] = Array(100..<112)
        return [
            RFC5769Tests.sampleRequest, RFC5769Tests.ipv4Response, RFC5769Tests.ipv6Response,
            RFC5769Tests.longTermRequest,
            STUNMessage(type: .bindingRequest, transactionID: id, attributes: [
                .username("evtj:h6vY"), .priority(1), .iceControlling(7), .useCandidate,
            ]).serialize(integrityKey: key, addFingerprint: true),
            STUNMessage(type: .bindingError, transactionID: id, attributes: [
                .errorCode(code: 487, reason: "Role Conflict"), .software("x"),
                .mappedAddress(TransportAddress(ip: .v6(1, 2), port: 3)),
            ]).serialize(addFingerprint: true),
        ]
    }()

    static func mutate(_ input: [UInt8], using rng: inout SeededGenerator) -> [UInt8] {
        var bytes = input
        for _ in 0..<Int.random(in: 1...4, using: &rng) {
            switch Int.random(in: 0..<7, using: &rng) {
            case 0 where !bytes.isEmpty:
                bytes[Int.random(in: 0..<bytes.count, using: &rng)] ^= 1 << UInt8.random(in: 0..<8, using: &rng)
            case 1 where !bytes.isEmpty:
                bytes[Int.random(in: 0..<bytes.count, using: &rng)] = UInt8.random(in: 0...255, using: &rng)
            case 2:
                bytes = Array(bytes.prefix(Int.random(in: 0...bytes.count, using: &rng)))
            case 3:
                bytes += (0..<Int.random(in: 1...8, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            case 4 where bytes.count >= 4:
                // Keep the header length consistent with the size so the attribute walk is reached.
                let length = bytes.count - 20
                bytes[2] = UInt8(truncatingIfNeeded: length >> 8)
                bytes[3] = UInt8(truncatingIfNeeded: length)
            case 5 where bytes.count > 24:
                // Corrupt an attribute length field somewhere past the header.
                let offset = 20 + 4 * Int.random(in: 0..<((bytes.count - 20) / 4), using: &rng)
                if offset + 3 < bytes.count {
                    bytes[offset + 2] = UInt8.random(in: 0...255, using: &rng)
                    bytes[offset + 3] = UInt8.random(in: 0...255, using: &rng)
                }
            default:
                let other = seeds[Int.random(in: 0..<seeds.count, using: &rng)]
                let cut = Int.random(in: 0...min(bytes.count, other.count), using: &rng)
                bytes = Array(bytes.prefix(cut)) + other.dropFirst(cut)
            }
        }
        return bytes
    }

    @Test func tenThousandMutationsDoNotCrash() throws {
        var rng = SeededGenerator(seed: 0x5EED_5354)
        var agent = ICELiteAgent(local: ICECredentials(ufrag: "evtj", password: "VOkJxbRl1RmTxUk/WvJxBt"),
                                 remoteUfrag: "", consentTimeout: 30)
        let source = TransportAddress(ip: .v4(0x7F00_0001), port: 9)
        var parsed = 0
        for i in 0..<10_000 {
            let input = Self.mutate(Self.seeds[i % Self.seeds.count], using: &rng)
            try input.withUnsafeBytes { raw in
                _ = STUNMessage.isSTUN(raw)
                _ = STUNMessage.verifyIntegrity(raw, key: Array("VOkJxbRl1RmTxUk/WvJxBt".utf8))
                _ = STUNMessage.verifyFingerprint(raw)
                _ = stunLocalUfrag(raw)
                _ = agent.handle(stun: raw, from: source, now: Double(i))
                _ = agent.tick(now: Double(i))
                if let message = try? STUNMessage(parsing: raw) {
                    parsed += 1
                    let again = try STUNMessage(parsing: message.serialize())
                    #expect(again == message, "input \(i): \(input)")
                }
            }
        }
        // The mutations should not all be rejected at the header.
        #expect(parsed > 500)
    }

    @Test func randomBytesDoNotCrash() {
        var rng = SeededGenerator(seed: 42)
        var agent = ICELiteAgent(local: .random(), remoteUfrag: "x", consentTimeout: 5)
        for i in 0..<2_000 {
            var bytes = (0..<Int.random(in: 0..<120, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            if bytes.count >= 20, i % 2 == 0 {
                // Plausible header: binding request, right cookie, length matching the size.
                let length = (bytes.count - 20) & ~3
                bytes = Array(bytes.prefix(20 + length))
                bytes[0] = 0; bytes[1] = 1
                bytes[2] = UInt8(length >> 8); bytes[3] = UInt8(length & 0xFF)
                bytes[4] = 0x21; bytes[5] = 0x12; bytes[6] = 0xA4; bytes[7] = 0x42
            }
            bytes.withUnsafeBytes { raw in
                _ = try? STUNMessage(parsing: raw)
                _ = stunLocalUfrag(raw)
                let action = agent.handle(stun: raw, from: TransportAddress(ip: .v6(0, 1), port: 1), now: 0)
                if case .respond = action { Issue.record("garbage was answered: \(bytes)") }
            }
        }
    }
}
