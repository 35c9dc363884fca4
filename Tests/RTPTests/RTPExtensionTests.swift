import Testing
@testable import RTP

@Suite struct RTPExtensionTests {
    /// One-byte form (RFC 8285 §4.2): abs-send-time (id 3), transport-wide seq (id 5), audio level (id 1).
    let oneByte: [UInt8] = [
        0x90, 0x6F, 0x00, 0x07,  // V=2 X=1 | PT=111 | seq 7
        0x00, 0x00, 0x03, 0xC0,  // timestamp 960
        0x11, 0x22, 0x33, 0x44,  // SSRC
        0xBE, 0xDE, 0x00, 0x03,  // one-byte profile, 3 words
        0x32, 0xAB, 0xCD, 0xEF,  // id 3 len 3: 0xABCDEF
        0x51, 0x01, 0x02,  // id 5 len 2: 0x0102
        0x10, 0x9F,  // id 1 len 1: V=1 level 31
        0x00, 0x00, 0x00,  // padding
        0xF0, 0x0D,  // payload
    ]

    /// Two-byte form (RFC 8285 §4.3): id 20 with 2 bytes, id 2 with 0 bytes.
    let twoByte: [UInt8] = [
        0x90, 0x60, 0x00, 0x08,  // V=2 X=1 | PT=96 | seq 8
        0x00, 0x00, 0x00, 0x01,  // timestamp 1
        0x00, 0x00, 0x00, 0x02,  // SSRC 2
        0x10, 0x00, 0x00, 0x02,  // two-byte profile 0x1000, 2 words
        0x14, 0x02, 0xAA, 0xBB,  // id 20 len 2: 0xAABB
        0x02, 0x00, 0x00, 0x00,  // id 2 len 0, then 2 padding bytes
        0x01,  // payload
    ]

    @Test func oneByteView() throws {
        try oneByte.withUnsafeBytes { raw in
            let view = try #require(RTPView(raw))
            #expect(view.extensionProfile == 0xBEDE)
            #expect(view.extensionRange == 16 ..< 28)
            #expect(view.headerLength == 28)
            #expect(view.payloadRange == 28 ..< 30)
            var seen: [(UInt8, [UInt8])] = []
            view.forEachExtension { id, range in seen.append((id, Array(raw[range]))) }
            #expect(seen.map(\.0) == [3, 5, 1])
            #expect(seen.map(\.1) == [[0xAB, 0xCD, 0xEF], [0x01, 0x02], [0x9F]])
            #expect(view.extensionElement(id: 5) == 21 ..< 23)
            #expect(view.extensionElement(id: 9) == nil)
        }
    }

    /// The lookup stops at the first element with the id: a later one with the same id is not read, nor is a
    /// truncated element after it.
    @Test func extensionElementIsTheFirstWithTheID() throws {
        let packet: [UInt8] = [
            0x90, 0x60, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x02,
            0xBE, 0xDE, 0x00, 0x02,  // one-byte profile, 2 words
            0x50, 0x0A,  // id 5 len 1
            0x51, 0x0B, 0x0C,  // id 5 again, len 2
            0x3F, 0x00, 0x00,  // id 3 claims 16 bytes: truncated
        ]
        try packet.withUnsafeBytes { raw in
            let view = try #require(RTPView(raw))
            #expect(view.extensionElement(id: 5) == 17 ..< 18)
            #expect(view.extensionElement(id: 3) == nil)
        }
        try twoByte.withUnsafeBytes { raw in
            let view = try #require(RTPView(raw))
            #expect(view.extensionElement(id: 20) == 18 ..< 20)
            #expect(view.extensionElement(id: 2) == 22 ..< 22)
        }
    }

    @Test func oneByteRoundTrip() throws {
        let packet = try RTPPacket(parsing: oneByte)
        #expect(packet.extensions == [
            RTPHeaderExtension(id: 3, value: [0xAB, 0xCD, 0xEF]),
            RTPHeaderExtension(id: 5, value: [0x01, 0x02]),
            RTPHeaderExtension(id: 1, value: [0x9F]),
        ])
        #expect(!packet.prefersTwoByteExtensions)
        #expect(packet.serialize() == oneByte)
    }

    @Test func twoByteViewAndRoundTrip() throws {
        try twoByte.withUnsafeBytes { raw in
            let view = try #require(RTPView(raw))
            #expect(view.extensionProfile == 0x1000)
            var seen: [(UInt8, Range<Int>)] = []
            view.forEachExtension { seen.append(($0, $1)) }
            #expect(seen.map(\.0) == [20, 2])
            #expect(seen.map(\.1) == [18 ..< 20, 22 ..< 22])
        }
        let packet = try RTPPacket(parsing: twoByte)
        #expect(packet.extensions == [RTPHeaderExtension(id: 20, value: [0xAA, 0xBB]), RTPHeaderExtension(id: 2, value: [])])
        #expect(packet.serialize() == twoByte)
    }

    @Test func oneByteID15StopsTheWalk() throws {
        let bytes: [UInt8] = [
            0x90, 0x60, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3,  // header, X=1
            0xBE, 0xDE, 0x00, 0x01,  // one-byte profile, 1 word
            0x10, 0x55, 0xF0, 0x22,  // id 1 len 1: 0x55 | id 15: stop | (ignored)
        ]
        try bytes.withUnsafeBytes { raw in
            let view = try #require(RTPView(raw))
            var ids: [UInt8] = []
            view.forEachExtension { id, _ in ids.append(id) }
            #expect(ids == [1])
        }
    }

    /// Found by `scripts/fuzz rtp`: a one-byte element with ID 0 and a length was read as an element with id 0,
    /// which `serialize` cannot write (0 is padding), and it trapped. Only the whole byte 0 is padding; ID 0 with a
    /// length ends the block, as ID 15 does (RFC 8285 §4.2, and libwebrtc).
    @Test func oneByteID0WithALengthStopsTheWalk() throws {
        let bytes: [UInt8] = [
            0x90, 0x60, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3,  // header, X=1
            0xBE, 0xDE, 0x00, 0x02,  // one-byte profile, 2 words
            0x10, 0x55, 0x00, 0x01,  // id 1 len 1: 0x55 | padding | id 0 len 2: stop
            0xAA, 0xBB, 0x20, 0x66,  // (ignored, though it looks like id 2)
        ]
        try bytes.withUnsafeBytes { raw in
            let view = try #require(RTPView(raw))
            var ids: [UInt8] = []
            view.forEachExtension { id, _ in ids.append(id) }
            #expect(ids == [1])
        }
        let packet = try RTPPacket(parsing: bytes)
        #expect(packet.extensions == [RTPHeaderExtension(id: 1, value: [0x55])])
        #expect(try RTPPacket(parsing: packet.serialize()) == packet)
    }

    @Test func otherProfileHasNoElements() throws {
        let bytes: [UInt8] = [0x90, 0x60, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0xAB, 0xCD, 0x00, 0x01, 1, 2, 3, 4]
        try bytes.withUnsafeBytes { raw in
            let view = try #require(RTPView(raw))
            #expect(view.extensionProfile == 0xABCD)
            var count = 0
            view.forEachExtension { _, _ in count += 1 }
            #expect(count == 0)
        }
        #expect(throws: RTPParseError.unsupportedExtensionProfile(0xABCD)) { try RTPPacket(parsing: bytes) }
    }

    @Test func writerOneByteFormReadsBack() throws {
        var buffer = [UInt8](repeating: 0xEE, count: 64)
        let total = buffer.withUnsafeMutableBytes { buffer -> Int in
            RTPHeaderWriter.write(
                into: buffer, marker: true, payloadType: 96, sequenceNumber: 0xFFFF, timestamp: 90_000,
                ssrc: 0xCAFE_BABE, hasExtension: true)
            var writer = RTPExtensionWriter(buffer: buffer, offset: 12)
            writer.append(id: 3, uint24: 0x12_3456)
            writer.append(id: 5, uint16: 0xBEEF)
            let mid: [UInt8] = Array("0".utf8)
            mid.withUnsafeBytes { writer.append(id: 4, bytes: $0) }
            let length = writer.finish()
            #expect(length == 4 + 12)  // 4 + 3 + 3 + 2 + 2 = 10 element bytes, padded to 12
            return 12 + length
        }
        #expect(Array(buffer[0 ..< total]) == [
            0x90, 0xE0, 0xFF, 0xFF,  // V=2 X=1 | M=1 PT=96 | seq 65535
            0x00, 0x01, 0x5F, 0x90,  // timestamp 90000
            0xCA, 0xFE, 0xBA, 0xBE,  // SSRC
            0xBE, 0xDE, 0x00, 0x03,  // one-byte profile, 3 words
            0x32, 0x12, 0x34, 0x56,  // id 3 len 3
            0x51, 0xBE, 0xEF,  // id 5 len 2
            0x40, 0x30,  // id 4 len 1: "0"
            0x00, 0x00, 0x00,  // padding
        ])
        try buffer[0 ..< total].withUnsafeBytes { raw in
            let view = try #require(RTPView(raw))
            #expect(view.marker && view.payloadType == 96 && view.sequenceNumber == 0xFFFF)
            #expect(view.timestamp == 90_000 && view.ssrc == 0xCAFE_BABE)
            let tcc = try #require(view.extensionElement(id: 5))
            #expect(raw[tcc.lowerBound] == 0xBE && raw[tcc.lowerBound + 1] == 0xEF)
            #expect(view.payloadRange.isEmpty)
        }
    }

    @Test func writerSwitchesToTwoByteForm() throws {
        var buffer = [UInt8](repeating: 0xEE, count: 64)
        let total = buffer.withUnsafeMutableBytes { buffer -> Int in
            RTPHeaderWriter.write(
                into: buffer, marker: false, payloadType: 100, sequenceNumber: 1, timestamp: 2, ssrc: 3,
                hasExtension: true)
            var writer = RTPExtensionWriter(buffer: buffer, offset: 12)
            writer.append(id: 5, uint16: 0x0102)
            writer.append(id: 200, uint24: 0xAABBCC)  // id > 14 forces the two-byte form
            return 12 + writer.finish()
        }
        #expect(Array(buffer[12 ..< total]) == [
            0x10, 0x00, 0x00, 0x03,  // two-byte profile, 3 words
            0x05, 0x02, 0x01, 0x02,  // id 5 len 2
            0xC8, 0x03, 0xAA, 0xBB,  // id 200 len 3
            0xCC, 0x00, 0x00, 0x00,  // ... padding
        ])
        try buffer[0 ..< total].withUnsafeBytes { raw in
            let view = try #require(RTPView(raw))
            #expect(view.extensionElement(id: 200) == 22 ..< 25)
            #expect(view.extensionElement(id: 5) == 18 ..< 20)
        }
    }

    /// Elements already written in the one-byte form are widened in place when one that does not fit comes, at
    /// any position; the block reads back as appended, in the one-byte form exactly when every element fits it.
    @Test func writerReadsBackAsAppendedInEitherForm() throws {
        var generator = SystemRandomNumberGenerator()
        for _ in 0 ..< 500 {
            let count = Int.random(in: 1 ... 6, using: &generator)
            let elements: [(UInt8, [UInt8])] = (0 ..< count).map { _ in
                let wide = Int.random(in: 0 ..< 5, using: &generator) == 0
                let id = wide ? UInt8.random(in: 15 ... 255, using: &generator) : UInt8.random(in: 1 ... 14, using: &generator)
                let length = wide ? Int.random(in: 0 ... 20, using: &generator) : Int.random(in: 1 ... 16, using: &generator)
                return (id, (0 ..< length).map { _ in UInt8.random(in: 0 ... 255, using: &generator) })
            }
            let fits = elements.allSatisfy { $0.0 <= 14 && (1 ... 16).contains($0.1.count) }
            var buffer = [UInt8](repeating: 0xEE, count: 12 + 4 + elements.reduce(3) { $0 + 2 + $1.1.count })
            let total = buffer.withUnsafeMutableBytes { buffer -> Int in
                RTPHeaderWriter.write(into: buffer, marker: false, payloadType: 96, sequenceNumber: 1, timestamp: 2,
                                      ssrc: 3, hasExtension: true)
                var writer = RTPExtensionWriter(buffer: buffer, offset: 12)
                for (id, value) in elements { value.withUnsafeBytes { writer.append(id: id, bytes: $0) } }
                return 12 + writer.finish()
            }
            try buffer[0 ..< total].withUnsafeBytes { raw in
                let view = try #require(RTPView(raw))
                #expect(view.extensionProfile == (fits ? 0xBEDE : 0x1000))
                var seen: [(UInt8, [UInt8])] = []
                view.forEachExtension { id, range in seen.append((id, Array(raw[range]))) }
                #expect(seen.map(\.0) == elements.map(\.0))
                #expect(seen.map(\.1) == elements.map(\.1))
            }
        }
    }

    @Test func writerWithNothingWritesNothing() {
        var buffer = [UInt8](repeating: 0, count: 16)
        buffer.withUnsafeMutableBytes { buffer in
            var writer = RTPExtensionWriter(buffer: buffer, offset: 0)
            #expect(writer.finish() == 0)
        }
    }

    @Test func longValueUsesTwoByteForm() throws {
        let packet = RTPPacket(
            payloadType: 96, sequenceNumber: 1, timestamp: 2, ssrc: 3,
            extensions: [RTPHeaderExtension(id: 1, value: Array(0 ..< 17))], payload: [9])
        let bytes = packet.serialize()
        #expect(bytes[12] == 0x10 && bytes[13] == 0x00)
        var parsed = try RTPPacket(parsing: bytes)
        #expect(parsed.prefersTwoByteExtensions)
        parsed.prefersTwoByteExtensions = false
        #expect(parsed == packet)
    }
}
