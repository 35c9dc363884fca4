import Testing
@testable import RTP

@Suite struct RTPPacketTests {
    @Test func everythingRoundTrips() throws {
        let packet = RTPPacket(
            marker: true, payloadType: 111, sequenceNumber: 65_535, timestamp: 0xFFFF_FFFF, ssrc: 42,
            csrcs: [1, 2, 3],
            extensions: [RTPHeaderExtension(id: 1, value: [0x80]), RTPHeaderExtension(id: 14, value: Array(1 ... 16))],
            payload: Array(0 ..< 100), paddingLength: 4)
        let bytes = packet.serialize()
        #expect(bytes.count == 12 + 12 + 4 + 20 + 100 + 4)  // header, CSRCs, ext header, 1+1+1+16 → 20, payload, pad
        #expect(try RTPPacket(parsing: bytes) == packet)
        try bytes.withUnsafeBytes { raw in
            let view = try #require(RTPView(raw))
            #expect(view.csrcCount == 3)
            #expect(view.csrc(at: 2) == 3)
            #expect(view.payloadRange == 48 ..< 148)
            #expect(view.paddingLength == 4)
        }
    }

    @Test func minimalPacket() throws {
        let bytes: [UInt8] = [
            0x80, 0x00, 0x00, 0x00,  // V=2 | PT=0 | seq 0
            0x00, 0x00, 0x00, 0x00,  // timestamp 0
            0x00, 0x00, 0x00, 0x00,  // SSRC 0
        ]
        let packet = try RTPPacket(parsing: bytes)
        #expect(packet == RTPPacket())
        #expect(packet.serialize() == bytes)
    }

    @Test func truncatedElementIsAnErrorForThePacketButNotTheView() throws {
        let bytes: [UInt8] = [
            0x90, 0x60, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3,  // header, X=1
            0xBE, 0xDE, 0x00, 0x01,  // one-byte profile, 1 word
            0x10, 0x55, 0x23, 0x01,  // id 1 len 1 | id 2 len 4, but only 1 byte left
        ]
        #expect(throws: RTPParseError.malformedExtension) { try RTPPacket(parsing: bytes) }
        try bytes.withUnsafeBytes { raw in
            let view = try #require(RTPView(raw))
            var ids: [UInt8] = []
            view.forEachExtension { id, _ in ids.append(id) }
            #expect(ids == [1])
        }
    }

    @Test func sequenceArithmetic() {
        #expect(RTPSequence.isNewer(1, than: 0))
        #expect(RTPSequence.isNewer(0, than: 65_535))
        #expect(!RTPSequence.isNewer(65_535, than: 0))
        #expect(!RTPSequence.isNewer(5, than: 5))
        #expect(RTPSequence.isNewer(0x8000, than: 0) != RTPSequence.isNewer(0, than: 0x8000))
        #expect(RTPSequence.distance(from: 65_530, to: 4) == 10)
        #expect(RTPSequence.distance(from: 4, to: 65_530) == -10)
        #expect(RTPSequence.distance(from: 100, to: 100) == 0)
    }

    @Test func extensionURIs() {
        #expect(RTPExtensionURI.transportWideCC.hasSuffix("transport-wide-cc-extensions-01"))
        #expect(RTPExtensionURI.absSendTime == "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time")
    }
}
