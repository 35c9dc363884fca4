import Testing
@testable import RTCP

@Suite struct FullIntraRequestTests {
    @Test func roundTrip() throws {
        let bytes: [UInt8] = [
            0x84, 0xCE, 0x00, 0x06,  // V=2 P=0 FMT=4 | PT=206 PSFB | length 6 (28 bytes)
            0x00, 0x00, 0x00, 0x01,  // sender SSRC 1
            0x00, 0x00, 0x00, 0x00,  // media SSRC 0 (unused by FIR)
            0x12, 0x34, 0x56, 0x78,  // FCI 1: SSRC
            0x07, 0x00, 0x00, 0x00,  // command seq nr 7 | reserved
            0x9A, 0xBC, 0xDE, 0xF0,  // FCI 2: SSRC
            0xFF, 0x00, 0x00, 0x00,  // command seq nr 255 | reserved
        ]
        #expect(try RTCPTests.roundTrip(bytes) == [.fullIntraRequest(FullIntraRequest(
            senderSSRC: 1,
            entries: [.init(ssrc: 0x1234_5678, sequenceNumber: 7), .init(ssrc: 0x9ABC_DEF0, sequenceNumber: 255)]))])
    }
}
