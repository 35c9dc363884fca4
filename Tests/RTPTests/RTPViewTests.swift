import Testing
@testable import RTP

@Suite struct RTPViewTests {
    /// V=2, no P/X, CC=2, marker, PT 96, CSRCs and a 3-byte payload.
    let withCSRCs: [UInt8] = [
        0x82, 0xE0, 0x12, 0x34,  // V=2 P=0 X=0 CC=2 | M=1 PT=96 | seq 0x1234
        0xDE, 0xAD, 0xBE, 0xEF,  // timestamp 0xDEADBEEF
        0x01, 0x02, 0x03, 0x04,  // SSRC 0x01020304
        0x00, 0x00, 0x00, 0x0A,  // CSRC 10
        0x00, 0x00, 0x00, 0x0B,  // CSRC 11
        0xAA, 0xBB, 0xCC,  // payload
    ]

    @Test func fixedHeaderAndCSRCs() throws {
        try withCSRCs.withUnsafeBytes { raw in
            let view = try #require(RTPView(raw))
            #expect(view.marker)
            #expect(view.payloadType == 96)
            #expect(view.sequenceNumber == 0x1234)
            #expect(view.timestamp == 0xDEAD_BEEF)
            #expect(view.ssrc == 0x0102_0304)
            #expect(view.csrcCount == 2)
            #expect(view.csrc(at: 1) == 11)
            #expect(!view.hasPadding)
            #expect(view.extensionProfile == nil)
            #expect(view.extensionRange.isEmpty)
            #expect(view.headerLength == 20)
            #expect(view.payloadRange == 20 ..< 23)
        }
    }

    @Test func padding() throws {
        let bytes: [UInt8] = [
            0xA0, 0x6F, 0x00, 0x01,  // V=2 P=1 X=0 CC=0 | M=0 PT=111 | seq 1
            0x00, 0x00, 0x00, 0x02,  // timestamp 2
            0x00, 0x00, 0x00, 0x03,  // SSRC 3
            0x11, 0x22,  // payload
            0x00, 0x00, 0x03,  // 3 padding bytes, the last is the count
        ]
        try bytes.withUnsafeBytes { raw in
            let view = try #require(RTPView(raw))
            #expect(view.hasPadding)
            #expect(view.paddingLength == 3)
            #expect(view.payloadRange == 12 ..< 14)
        }
        let packet = try RTPPacket(parsing: bytes)
        #expect(packet.payload == [0x11, 0x22])
        #expect(packet.paddingLength == 3)
        #expect(packet.serialize() == bytes)
    }

    @Test func paddingOnlyPacket() throws {
        // A padding-only probe: 12-byte header, then 4 padding bytes.
        let bytes: [UInt8] = [0xA0, 0x60, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 4]
        try bytes.withUnsafeBytes { raw in
            let view = try #require(RTPView(raw))
            #expect(view.payloadRange.isEmpty)
        }
    }

    @Test(arguments: [
        ([UInt8](repeating: 0x80, count: 11), RTPParseError.tooShort),  // 11 bytes
        ([0x40, 0x60, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3], .badVersion(1)),  // V=1
        ([0x81, 0x60, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3], .csrcOverrun),  // CC=1, no CSRC
        ([0x90, 0x60, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0xBE, 0xDE], .extensionOverrun),  // half an ext header
        ([0x90, 0x60, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0xBE, 0xDE, 0, 1], .extensionOverrun),  // 1 word announced
        ([0xA0, 0x60, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0xAA, 0x00], .badPadding),  // padding count 0
        ([0xA0, 0x60, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0xAA, 0x03], .badPadding),  // padding 3 > 2 bytes left
        ([0xA0, 0x60, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3], .badPadding),  // P=1 and the count is the SSRC's byte 3
    ])
    func malformedIsRejected(bytes: [UInt8], error: RTPParseError) {
        bytes.withUnsafeBytes { raw in #expect(RTPView(raw) == nil) }
        #expect(throws: error) { try RTPPacket(parsing: bytes) }
    }

    @Test func demuxRTCP() {
        let sr: [UInt8] = [0x80, 200, 0x00, 0x06]
        let rtpPT96: [UInt8] = [0x80, 0x60, 0x00, 0x01]
        let rtpMarkerPT96: [UInt8] = [0x80, 0xE0, 0x00, 0x01]
        sr.withUnsafeBytes { #expect(RTPDemux.isRTCP($0)) }
        rtpPT96.withUnsafeBytes { #expect(!RTPDemux.isRTCP($0)) }
        rtpMarkerPT96.withUnsafeBytes { #expect(!RTPDemux.isRTCP($0)) }
        #expect(RTPDemux.isRTCP(packetTypeByte: 192))
        #expect(RTPDemux.isRTCP(packetTypeByte: 223))
        #expect(!RTPDemux.isRTCP(packetTypeByte: 224))
        #expect(!RTPDemux.isRTCP(packetTypeByte: 191))
    }

    @Test func demuxRTP() {
        let rtpMarkerPT96: [UInt8] = [0x80, 0xE0, 0x00, 0x01, 0, 0, 0, 2, 0, 0, 0, 3]  // the full 12-byte header
        let receiverReport: [UInt8] = [0x81, 201, 0x00, 0x07, 0, 0, 0, 1, 0, 0, 0, 2]
        let stun: [UInt8] = [0x00, 0x01, 0x00, 0x00, 0x21, 0x12, 0xA4, 0x42, 0, 0, 0, 0]
        let dtls: [UInt8] = [22, 0xFE, 0xFD, 0, 0, 0, 0, 0, 0, 0, 0, 0]
        rtpMarkerPT96.withUnsafeBytes { #expect(RTPDemux.isRTP($0)) }
        rtpMarkerPT96.dropLast().withUnsafeBytes { #expect(!RTPDemux.isRTP($0)) }  // shorter than a header
        for notRTP in [receiverReport, stun, dtls] { notRTP.withUnsafeBytes { #expect(!RTPDemux.isRTP($0)) } }
    }
}
