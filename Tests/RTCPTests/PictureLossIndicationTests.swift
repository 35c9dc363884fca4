import Testing
@testable import RTCP

@Suite struct PictureLossIndicationTests {
    @Test func roundTrip() throws {
        let bytes: [UInt8] = [
            0x81, 0xCE, 0x00, 0x02,  // V=2 P=0 FMT=1 | PT=206 PSFB | length 2 (12 bytes)
            0x00, 0x00, 0x00, 0x01,  // sender SSRC 1
            0x4B, 0xC4, 0xFC, 0xB4,  // media SSRC
        ]
        #expect(try RTCPTests.roundTrip(bytes)
            == [.pictureLossIndication(PictureLossIndication(senderSSRC: 1, mediaSSRC: 0x4BC4_FCB4))])
    }

    @Test func truncatedThrows() {
        let bytes: [UInt8] = [
            0x81, 0xCE, 0x00, 0x01,  // FMT=1 | PT=206 | length 1 (8 bytes)
            0x00, 0x00, 0x00, 0x01,  // sender SSRC, media SSRC missing
        ]
        #expect(throws: RTCPParseError.malformed(packetType: 206)) { try RTCPCompound.parse(bytes) }
    }
}
