import Testing
@testable import RTCP

@Suite struct GoodbyeTests {
    @Test func withReason() throws {
        let bytes: [UInt8] = [
            0x81, 0xCB, 0x00, 0x04,  // V=2 P=0 SC=1 | PT=203 BYE | length 4 (20 bytes)
            0x90, 0x2F, 0x9E, 0x2E,  // SSRC
            0x0A, 0x63, 0x61, 0x6D,  // reason length 10 | "cam
            0x65, 0x72, 0x61, 0x20,  // era
            0x6F, 0x66, 0x66, 0x00,  // off" | padding
        ]
        let packets = try roundTrip(bytes)
        #expect(packets == [.goodbye(Goodbye(ssrcs: [0x902F_9E2E], reason: "camera off"))])
        guard case .goodbye(let bye) = packets[0] else { return }
        #expect(bye.reasonText == "camera off")
    }

    @Test func withoutReason() throws {
        let bytes: [UInt8] = [
            0x82, 0xCB, 0x00, 0x02,  // V=2 SC=2 | PT=203 | length 2 (12 bytes)
            0x00, 0x00, 0x00, 0x01,  // SSRC 1
            0x00, 0x00, 0x00, 0x02,  // SSRC 2
        ]
        #expect(try roundTrip(bytes) == [.goodbye(Goodbye(ssrcs: [1, 2]))])
    }

    @Test func reasonOverrunThrows() {
        let bytes: [UInt8] = [
            0x81, 0xCB, 0x00, 0x02,  // SC=1 | PT=203 | length 2
            0x00, 0x00, 0x00, 0x01,  // SSRC 1
            0x09, 0x61, 0x62, 0x63,  // reason length 9, but only 3 bytes follow
        ]
        #expect(throws: RTCPParseError.malformed(packetType: 203)) { try RTCPCompound.parse(bytes) }
    }
}
