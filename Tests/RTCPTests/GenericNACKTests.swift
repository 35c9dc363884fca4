import Testing
@testable import RTCP

@Suite struct GenericNACKTests {
    @Test func roundTripWithBLP() throws {
        let bytes: [UInt8] = [
            0x81, 0xCD, 0x00, 0x04,  // V=2 P=0 FMT=1 | PT=205 RTPFB | length 4 (20 bytes)
            0x00, 0x00, 0x00, 0x01,  // sender SSRC 1
            0x00, 0x00, 0x00, 0x02,  // media SSRC 2
            0x00, 0x64, 0x80, 0x05,  // PID 100 | BLP: bits 0, 2, 15 → 101, 103, 116
            0xFF, 0xFF, 0x00, 0x01,  // PID 65535 | BLP: bit 0 → 0 (wraps)
        ]
        let packets = try roundTrip(bytes)
        guard case .genericNACK(let nack) = packets.first else {
            Issue.record("not a NACK")
            return
        }
        #expect(nack.senderSSRC == 1 && nack.mediaSSRC == 2)
        #expect(nack.pairs == [.init(packetID: 100, lostBitmask: 0x8005), .init(packetID: 65_535, lostBitmask: 1)])
        #expect(nack.lostSequenceNumbers == [100, 101, 103, 116, 65_535, 0])
        #expect(GenericNACK(senderSSRC: 1, mediaSSRC: 2, lost: nack.lostSequenceNumbers) == nack)
    }

    @Test func packsAcrossTheWrap() {
        let nack = GenericNACK(senderSSRC: 0, mediaSSRC: 0, lost: [65_534, 65_535, 3, 20, 20, 40])
        #expect(nack.pairs == [
            .init(packetID: 65_534, lostBitmask: 0b1_0001),  // 65535 (+1 → bit 0), 3 (+5 → bit 4)
            .init(packetID: 20, lostBitmask: 0),  // the duplicate 20 is dropped
            .init(packetID: 40, lostBitmask: 0),
        ])
    }

    @Test func emptyFCIThrows() {
        let bytes: [UInt8] = [
            0x81, 0xCD, 0x00, 0x02,  // FMT=1 | PT=205 | length 2
            0x00, 0x00, 0x00, 0x01,  // sender SSRC
            0x00, 0x00, 0x00, 0x02,  // media SSRC, and no FCI
        ]
        #expect(throws: RTCPParseError.malformed(packetType: 205)) { try RTCPCompound.parse(bytes) }
    }
}
