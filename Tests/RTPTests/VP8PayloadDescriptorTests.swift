import Testing
@testable import RTP

@Suite struct VP8PayloadDescriptorTests {
    func parse(_ bytes: [UInt8]) -> VP8PayloadDescriptor? {
        bytes.withUnsafeBytes { VP8PayloadDescriptor($0) }
    }

    @Test func minimalKeyframe() throws {
        let d = try #require(parse([
            0x10,  // X=0 N=0 S=1 PID=0
            0x10, 0x02, 0x00,  // VP8 payload header: P=0 (key frame)
        ]))
        #expect(d.startOfPartition && d.partitionIndex == 0)
        #expect(d.pictureID == nil && d.tl0PicIdx == nil && d.temporalLayer == nil && d.keyIndex == nil)
        #expect(d.headerLength == 1)
        #expect(d.isKeyframeStart)
    }

    @Test func sevenBitPictureID() throws {
        let d = try #require(parse([
            0x90,  // X=1 S=1 PID=0
            0x80,  // I=1
            0x2A,  // M=0 picture id 42
            0x31,  // VP8 payload header: P=1 (inter frame)
        ]))
        #expect(d.pictureID == 42)
        #expect(!d.pictureIDIs15Bit)
        #expect(d.headerLength == 3)
        #expect(!d.isKeyframeStart)
    }

    @Test func fifteenBitPictureIDWithAllFields() throws {
        let d = try #require(parse([
            0xB0,  // X=1 N=1 S=1 PID=0
            0xF0,  // I=1 L=1 T=1 K=1
            0xD2, 0x34,  // M=1 picture id 0x5234
            0x07,  // TL0PICIDX 7
            0x65,  // TID=1 Y=1 KEYIDX=5
            0x00,  // VP8 payload header: P=0
        ]))
        #expect(d.nonReference)
        #expect(d.pictureID == 0x5234)
        #expect(d.pictureIDIs15Bit)
        #expect(d.tl0PicIdx == 7)
        #expect(d.temporalLayer == 1)
        #expect(d.layerSync)
        #expect(d.keyIndex == 5)
        #expect(d.headerLength == 6)
        #expect(d.isKeyframeStart)
    }

    @Test func continuationIsNotAKeyframeStart() throws {
        let middle = try #require(parse([0x80, 0x80, 0x05, 0x00]))  // X=1 S=0 | I=1 | pic 5 | payload
        #expect(!middle.startOfPartition && !middle.isKeyframeStart)
        let otherPartition = try #require(parse([0x11, 0x00]))  // S=1 PID=1
        #expect(otherPartition.partitionIndex == 1 && !otherPartition.isKeyframeStart)
        let descriptorOnly = try #require(parse([0x10]))  // S=1 PID=0, nothing after
        #expect(!descriptorOnly.isKeyframeStart)
    }

    @Test func truncated() {
        #expect(parse([]) == nil)
        #expect(parse([0x90]) == nil)  // X=1 but no extension byte
        #expect(parse([0x90, 0x80]) == nil)  // I=1 but no picture id
        #expect(parse([0x90, 0x80, 0x80]) == nil)  // M=1 but one byte of picture id
        #expect(parse([0x90, 0x40]) == nil)  // L=1 but no TL0PICIDX
        #expect(parse([0x90, 0x20]) == nil)  // T=1 but no TID byte
        #expect(parse([0x90, 0x10]) == nil)  // K=1 but no KEYIDX byte
    }
}
