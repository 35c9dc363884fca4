import Testing
@testable import RTCP

@Suite struct SenderReportTests {
    static let bytes: [UInt8] = [
        0x81, 0xC8, 0x00, 0x0C,  // V=2 P=0 RC=1 | PT=200 SR | length 12 (52 bytes)
        0x90, 0x2F, 0x9E, 0x2E,  // sender SSRC
        0xDA, 0x8B, 0xD1, 0xFC,  // NTP timestamp, seconds
        0xDD, 0xDD, 0xA0, 0x5A,  // NTP timestamp, fraction
        0xAA, 0xF4, 0xED, 0xD5,  // RTP timestamp
        0x00, 0x00, 0x00, 0x01,  // sender's packet count 1
        0x00, 0x00, 0x00, 0x02,  // sender's octet count 2
        0xBC, 0x5E, 0x9A, 0x40,  // report 1: SSRC
        0x10, 0xFF, 0xFF, 0xFF,  // fraction lost 16/256 | cumulative lost −1 (24-bit signed)
        0x00, 0x00, 0x46, 0xE1,  // extended highest sequence number 18145
        0x00, 0x00, 0x01, 0x11,  // interarrival jitter 273
        0x09, 0xF3, 0x64, 0x32,  // last SR (middle 32 bits of its NTP time)
        0x00, 0x02, 0x4A, 0x79,  // delay since last SR, 1/65536 s
    ]

    @Test func roundTripWithOneReportBlock() throws {
        let packets = try roundTrip(Self.bytes)
        #expect(packets == [.senderReport(SenderReport(
            ssrc: 0x902F_9E2E, ntpTimestamp: 0xDA8B_D1FC_DDDD_A05A, rtpTimestamp: 0xAAF4_EDD5, packetCount: 1,
            octetCount: 2,
            reports: [ReceptionReport(
                ssrc: 0xBC5E_9A40, fractionLost: 16, cumulativeLost: -1, extendedHighestSequence: 18_145,
                jitter: 273, lastSenderReport: 0x09F3_6432, delaySinceLastSenderReport: 0x0002_4A79)]))])
    }

    @Test func reportCountBeyondLengthThrows() {
        var bytes = Self.bytes
        bytes[0] = 0x82  // RC=2 but only one block
        #expect(throws: RTCPParseError.malformed(packetType: 200)) { try RTCPCompound.parse(bytes) }
    }

    @Test func cumulativeLostIsClampedTo24Bits() throws {
        let report = ReceptionReport(ssrc: 1, cumulativeLost: 10_000_000)
        let bytes = RTCPCompound.serialize([.receiverReport(ReceiverReport(ssrc: 2, reports: [report]))])
        guard case .receiverReport(let rr) = try RTCPCompound.parse(bytes)[0] else {
            Issue.record("not an RR")
            return
        }
        #expect(rr.reports[0].cumulativeLost == 0x7F_FFFF)
    }
}
