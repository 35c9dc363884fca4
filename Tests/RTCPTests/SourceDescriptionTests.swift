import Testing
@testable import RTCP

@Suite struct SourceDescriptionTests {
    static let cname: [UInt8] = [
        0x81, 0xCA, 0x00, 0x04,  // V=2 P=0 SC=1 | PT=202 SDES | length 4 (20 bytes)
        0x11, 0x22, 0x33, 0x44,  // chunk 1: SSRC
        0x01, 0x09, 0x75, 0x73,  // CNAME, 9 bytes: "us
        0x65, 0x72, 0x40, 0x68,  // er@h
        0x6F, 0x73, 0x74, 0x00,  // ost" | null item (ends the chunk, already on a 32-bit boundary)
    ]

    @Test func cnameRoundTrip() throws {
        let packets = try roundTrip(Self.cname)
        let expected = SourceDescription(chunks: [.init(ssrc: 0x1122_3344, items: [.cname("user@host")])])
        #expect(packets == [.sourceDescription(expected)])
        #expect(expected.chunks[0].cname == "user@host")
    }

    @Test func twoChunksWithPadding() throws {
        let bytes: [UInt8] = [
            0x82, 0xCA, 0x00, 0x06,  // V=2 SC=2 | PT=202 | length 6 (28 bytes)
            0x00, 0x00, 0x00, 0x01,  // chunk 1: SSRC 1
            0x01, 0x02, 0x61, 0x62,  // CNAME, 2 bytes: "ab"
            0x00, 0x00, 0x00, 0x00,  // null item + 3 bytes of padding
            0x00, 0x00, 0x00, 0x02,  // chunk 2: SSRC 2
            0x01, 0x01, 0x63, 0x02,  // CNAME "c" | NAME (type 2),
            0x01, 0x64, 0x00, 0x00,  // 1 byte "d" | null item + 1 byte of padding
        ]
        let packets = try roundTrip(bytes)
        #expect(packets == [.sourceDescription(SourceDescription(chunks: [
            .init(ssrc: 1, items: [.cname("ab")]),
            .init(ssrc: 2, items: [.cname("c"), .init(type: 2, text: [0x64])]),
        ]))])
    }

    @Test func missingNullItemThrows() {
        let bytes: [UInt8] = [
            0x81, 0xCA, 0x00, 0x02,  // SC=1 | PT=202 | length 2
            0x00, 0x00, 0x00, 0x01,  // SSRC 1
            0x01, 0x02, 0x61, 0x62,  // CNAME "ab", then the packet ends with no null item
        ]
        #expect(throws: RTCPParseError.malformed(packetType: 202)) { try RTCPCompound.parse(bytes) }
    }
}
