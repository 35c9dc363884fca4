import Testing
@testable import RTCP

@Suite struct ReceiverReportTests {
    @Test func roundTrip() throws {
        let bytes: [UInt8] = [
            0x81, 0xC9, 0x00, 0x07,  // V=2 P=0 RC=1 | PT=201 RR | length 7 (32 bytes)
            0x00, 0x00, 0x00, 0x01,  // reporter SSRC 1
            0x00, 0x00, 0x00, 0x02,  // report 1: SSRC 2
            0x05, 0x00, 0x01, 0x00,  // fraction lost 5 | cumulative lost 256
            0x00, 0x01, 0xFF, 0xFF,  // extended highest sequence: 1 cycle, seq 65535
            0x00, 0x00, 0x00, 0x20,  // jitter 32
            0x12, 0x34, 0x56, 0x78,  // last SR
            0x00, 0x01, 0x00, 0x00,  // DLSR 1 s
        ]
        let packets = try RTCPTests.roundTrip(bytes)
        #expect(packets == [.receiverReport(ReceiverReport(ssrc: 1, reports: [ReceptionReport(
            ssrc: 2, fractionLost: 5, cumulativeLost: 256, extendedHighestSequence: 0x1_FFFF, jitter: 32,
            lastSenderReport: 0x1234_5678, delaySinceLastSenderReport: 0x1_0000)]))])
    }

    @Test func emptyRR() throws {
        let bytes: [UInt8] = [
            0x80, 0xC9, 0x00, 0x01,  // V=2 RC=0 | PT=201 | length 1 (8 bytes)
            0xAB, 0xCD, 0xEF, 0x01,  // reporter SSRC
        ]
        #expect(try RTCPTests.roundTrip(bytes) == [.receiverReport(ReceiverReport(ssrc: 0xABCD_EF01))])
    }
}
