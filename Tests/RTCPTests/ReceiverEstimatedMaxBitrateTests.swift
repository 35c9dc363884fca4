import Testing
@testable import RTCP

@Suite struct ReceiverEstimatedMaxBitrateTests {
    @Test func roundTrip1500kbps() throws {
        let bytes: [UInt8] = [
            0x8F, 0xCE, 0x00, 0x05,  // V=2 P=0 FMT=15 | PT=206 PSFB | length 5 (24 bytes)
            0x00, 0x00, 0x00, 0x01,  // sender SSRC 1
            0x00, 0x00, 0x00, 0x00,  // media SSRC 0
            0x52, 0x45, 0x4D, 0x42,  // "REMB"
            0x01, 0x0E, 0xDC, 0x6C,  // 1 SSRC | exp 3 (0x0E >> 2), mantissa 0x2DC6C = 187500 → 187500 << 3 = 1.5 Mbps
            0x12, 0x34, 0x56, 0x78,  // SSRC 1
        ]
        let packets = try RTCPTests.roundTrip(bytes)
        #expect(packets == [.remb(ReceiverEstimatedMaxBitrate(senderSSRC: 1, bitrate: 1_500_000, ssrcs: [0x1234_5678]))])
        #expect(ReceiverEstimatedMaxBitrate.encode(bitrate: 1_500_000) == (3, 187_500))
    }

    @Test func mantissaAndExponent() {
        #expect(ReceiverEstimatedMaxBitrate.encode(bitrate: 0) == (0, 0))
        #expect(ReceiverEstimatedMaxBitrate.encode(bitrate: 262_143) == (0, 262_143))  // largest 18-bit mantissa
        #expect(ReceiverEstimatedMaxBitrate.encode(bitrate: 262_144) == (1, 131_072))
        // Rounds down to 18 significant bits.
        let (e, m) = ReceiverEstimatedMaxBitrate.encode(bitrate: 1_000_000_007)
        #expect(m < 1 << 18 && ReceiverEstimatedMaxBitrate.decode(exponent: e, mantissa: m) <= 1_000_000_007)
        #expect(ReceiverEstimatedMaxBitrate.decode(exponent: e, mantissa: m) > 1_000_000_007 - (1 << e))
        #expect(ReceiverEstimatedMaxBitrate.encode(bitrate: .max).exponent == 46)
        #expect(ReceiverEstimatedMaxBitrate.decode(exponent: 63, mantissa: 0x3FFFF) == 0x3FFFF << 46)  // saturates
    }

    @Test func otherApplicationFeedbackIsUnknown() throws {
        let bytes: [UInt8] = [
            0x8F, 0xCE, 0x00, 0x03,  // FMT=15 | PT=206 | length 3 (16 bytes)
            0x00, 0x00, 0x00, 0x01,  // sender SSRC
            0x00, 0x00, 0x00, 0x00,  // media SSRC
            0x47, 0x4F, 0x4F, 0x47,  // "GOOG", not REMB
        ]
        let packets = try RTCPTests.roundTrip(bytes)
        #expect(packets == [.unknown(packetType: 206, count: 15, body: Array(bytes[4...]))])
    }
}
