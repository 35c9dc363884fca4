import Testing
@testable import RTCP

@Suite struct RTCPCompoundTests {
    @Test func senderReportPlusSDES() throws {
        let bytes: [UInt8] = [
            0x80, 0xC8, 0x00, 0x06,  // SR: V=2 RC=0 | PT=200 | length 6 (28 bytes)
            0x00, 0x00, 0x00, 0x2A,  // SSRC 42
            0xE9, 0x4D, 0x2B, 0x80,  // NTP seconds
            0x80, 0x00, 0x00, 0x00,  // NTP fraction 0.5
            0x00, 0x01, 0x5F, 0x90,  // RTP timestamp 90000
            0x00, 0x00, 0x00, 0x64,  // packet count 100
            0x00, 0x01, 0x86, 0xA0,  // octet count 100000
            0x81, 0xCA, 0x00, 0x03,  // SDES: V=2 SC=1 | PT=202 | length 3 (16 bytes)
            0x00, 0x00, 0x00, 0x2A,  // chunk: SSRC 42
            0x01, 0x05, 0x61, 0x6C,  // CNAME, 5 bytes: "al
            0x69, 0x63, 0x65, 0x00,  // ice" | null item
        ]
        let packets = try roundTrip(bytes)
        #expect(packets == [
            .senderReport(SenderReport(
                ssrc: 42, ntpTimestamp: 0xE94D_2B80_8000_0000, rtpTimestamp: 90_000, packetCount: 100,
                octetCount: 100_000)),
            .sourceDescription(SourceDescription(chunks: [.init(ssrc: 42, items: [.cname("alice")])])),
        ])
    }

    @Test func unknownTypeIsKept() throws {
        let bytes: [UInt8] = [
            0x80, 0xC9, 0x00, 0x01,  // RR: RC=0 | PT=201 | length 1
            0x00, 0x00, 0x00, 0x01,  // SSRC 1
            0x85, 0xCF, 0x00, 0x02,  // V=2 count 5 | PT=207 XR | length 2
            0xDE, 0xAD, 0xBE, 0xEF,  // body
            0x01, 0x02, 0x03, 0x04,  // body
            0x83, 0xCD, 0x00, 0x02,  // FMT=3 | PT=205 (TMMBR, not handled) | length 2
            0x00, 0x00, 0x00, 0x01,  // body
            0x00, 0x00, 0x00, 0x02,  // body
        ]
        let packets = try roundTrip(bytes)
        #expect(packets.count == 3)
        #expect(packets[1] == .unknown(packetType: 207, count: 5, body: [0xDE, 0xAD, 0xBE, 0xEF, 1, 2, 3, 4]))
        #expect(packets[2] == .unknown(packetType: 205, count: 3, body: [0, 0, 0, 1, 0, 0, 0, 2]))
    }

    @Test func paddedPacketBodyExcludesPadding() throws {
        let bytes: [UInt8] = [
            0xA0, 0xC9, 0x00, 0x02,  // RR: V=2 P=1 RC=0 | PT=201 | length 2 (12 bytes)
            0x00, 0x00, 0x00, 0x07,  // SSRC 7
            0x00, 0x00, 0x00, 0x04,  // 4 padding bytes, the last is the count
        ]
        #expect(try RTCPCompound.parse(bytes) == [.receiverReport(ReceiverReport(ssrc: 7))])
    }

    static let rr: [UInt8] = [0x80, 0xC9, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01]  // RR, RC=0, SSRC 1

    @Test(arguments: [
        ([], RTCPParseError.tooShort),  // nothing at all
        ([0x80, 0xC9, 0x00], .tooShort),  // 3 bytes
        (rr + [0x80, 0xC9], .tooShort),  // a trailing partial header
        ([0x40, 0xC9, 0x00, 0x01, 0, 0, 0, 1], .badVersion(1)),  // V=1
        ([0x00, 0xC9, 0x00, 0x01, 0, 0, 0, 1], .badVersion(0)),  // V=0
        ([0x80, 0xC9, 0x00, 0x02, 0, 0, 0, 1], .lengthOverrun),  // length 2 = 12 bytes, 8 present
        (rr + [0x80, 0xC9, 0xFF, 0xFF], .lengthOverrun),  // second packet's length runs far past the end
        ([0xA0, 0xC9, 0x00, 0x01, 0, 0, 0, 0], .badPadding),  // P=1, padding count 0
        ([0xA0, 0xC9, 0x00, 0x01, 0, 0, 0, 5], .badPadding),  // P=1, padding 5 > 4-byte body
        ([0x81, 0xC9, 0x00, 0x01, 0, 0, 0, 1], .malformed(packetType: 201)),  // RC=1, no report block
        ([0x80, 0xC8, 0x00, 0x01, 0, 0, 0, 1], .malformed(packetType: 200)),  // SR without sender info
    ] as [([UInt8], RTCPParseError)])
    func malformedThrows(bytes: [UInt8], error: RTCPParseError) {
        #expect(throws: error) { try RTCPCompound.parse(bytes) }
    }

    @Test func ntpTime() {
        // 2024-01-01T00:00:00.5Z = 1704067200.5 s Unix = 3913056000.5 s NTP.
        let ntp = NTPTime.from(unixMicros: 1_704_067_200_500_000)
        #expect(ntp == UInt64(3_913_056_000) << 32 | 0x8000_0000)
        #expect(NTPTime.middle32(ntp) == UInt32(3_913_056_000 & 0xFFFF) << 16 | 0x8000)
        #expect(NTPTime.unixMicros(ntp) == 1_704_067_200_500_000)
        #expect(NTPTime.from(unixMicros: 0) == UInt64(2_208_988_800) << 32)
        #expect(NTPTime.from(unixMicros: -1) == (UInt64(2_208_988_799) << 32) | 0xFFFF_EF39)  // 0.999999 s = (999_999 << 32) / 10^6
    }
}
