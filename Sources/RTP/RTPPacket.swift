/// One RFC 8285 header-extension element of an owning `RTPPacket`.
public struct RTPHeaderExtension: Equatable, Hashable, Sendable {
    public var id: UInt8
    public var value: [UInt8]

    public init(id: UInt8, value: [UInt8]) {
        self.id = id
        self.value = value
    }
}

/// An owning RTP packet value (RFC 3550 §5.1), for tests, tools and paths that are not per packet.
/// The forwarding path uses `RTPView`, `RTPHeaderWriter` and `RTPExtensionWriter` instead.
public struct RTPPacket: Equatable, Sendable {
    public var marker: Bool
    public var payloadType: UInt8
    public var sequenceNumber: UInt16
    public var timestamp: UInt32
    public var ssrc: UInt32
    public var csrcs: [UInt32]
    /// RFC 8285 elements, in wire order. Serialized in the one-byte form when every id is 1...14 and every value
    /// 1...16 bytes (and `prefersTwoByteExtensions` is false), else in the two-byte form.
    public var extensions: [RTPHeaderExtension]
    /// Forces the two-byte extension form; set by parsing when the packet used it, so that parse→serialize
    /// reproduces the bytes.
    public var prefersTwoByteExtensions: Bool
    public var payload: [UInt8]
    /// Padding bytes at the end, including the count byte itself; 0 = no padding (P bit clear).
    public var paddingLength: UInt8

    public init(
        marker: Bool = false, payloadType: UInt8 = 0, sequenceNumber: UInt16 = 0, timestamp: UInt32 = 0,
        ssrc: UInt32 = 0, csrcs: [UInt32] = [], extensions: [RTPHeaderExtension] = [],
        prefersTwoByteExtensions: Bool = false, payload: [UInt8] = [], paddingLength: UInt8 = 0
    ) {
        self.marker = marker
        self.payloadType = payloadType
        self.sequenceNumber = sequenceNumber
        self.timestamp = timestamp
        self.ssrc = ssrc
        self.csrcs = csrcs
        self.extensions = extensions
        self.prefersTwoByteExtensions = prefersTwoByteExtensions
        self.payload = payload
        self.paddingLength = paddingLength
    }

    /// Parses a packet. Besides what `RTPView` rejects, throws for extension profiles other than RFC 8285's and
    /// for truncated extension elements. Padding bytes between elements are not kept.
    public init(parsing bytes: [UInt8]) throws(RTPParseError) {
        let result: Result<RTPPacket, RTPParseError> = bytes.withUnsafeBytes { raw in
            do throws(RTPParseError) {
                return .success(try RTPPacket.parse(raw))
            } catch {
                return .failure(error)
            }
        }
        self = try result.get()
    }

    static func parse(_ raw: UnsafeRawBufferPointer) throws(RTPParseError) -> RTPPacket {
        let layout = try RTPLayout.parse(raw)
        let first = raw[0]
        var packet = RTPPacket(
            marker: raw[1] & 0x80 != 0, payloadType: raw[1] & 0x7F,
            sequenceNumber: raw.loadBigEndianUInt16(at: 2), timestamp: raw.loadBigEndianUInt32(at: 4),
            ssrc: raw.loadBigEndianUInt32(at: 8))
        packet.csrcs = (0 ..< Int(first & 0x0F)).map { raw.loadBigEndianUInt32(at: 12 + 4 * $0) }
        if first & 0x10 != 0 {
            let profile = raw.loadBigEndianUInt16(at: layout.extensionRange.lowerBound - 4)
            let twoByte = profile & 0xFFF0 == RTPExtensionProfile.twoByte
            guard profile == RTPExtensionProfile.oneByte || twoByte else {
                throw .unsupportedExtensionProfile(profile)
            }
            packet.extensions = try parseElements(raw, range: layout.extensionRange, twoByte: twoByte)
            packet.prefersTwoByteExtensions = twoByte && !packet.extensions.isEmpty
        }
        packet.payload = Array(raw[layout.payloadRange])
        packet.paddingLength = UInt8(raw.count - layout.payloadRange.upperBound)
        return packet
    }

    /// Strict walk (unlike `RTPView.forEachExtension`, a truncated element is an error).
    private static func parseElements(
        _ raw: UnsafeRawBufferPointer, range: Range<Int>, twoByte: Bool
    ) throws(RTPParseError) -> [RTPHeaderExtension] {
        var elements: [RTPHeaderExtension] = []
        var i = range.lowerBound
        let end = range.upperBound
        while i < end {
            let b = raw[i]
            if b == 0 { i += 1; continue }
            let id: UInt8
            let length: Int
            let valueStart: Int
            if twoByte {
                guard i + 2 <= end else { throw .malformedExtension }
                (id, length, valueStart) = (b, Int(raw[i + 1]), i + 2)
            } else {
                // ID 15, and ID 0 with a length (only the whole byte 0 is padding), end the block (RFC 8285 §4.2;
                // libwebrtc stops there too).
                if b >> 4 == 15 || b >> 4 == 0 { break }
                (id, length, valueStart) = (b >> 4, Int(b & 0x0F) + 1, i + 1)
            }
            guard valueStart + length <= end else { throw .malformedExtension }
            elements.append(RTPHeaderExtension(id: id, value: Array(raw[valueStart ..< valueStart + length])))
            i = valueStart + length
        }
        return elements
    }

    /// True if the extensions need RFC 8285's two-byte form.
    public var needsTwoByteExtensions: Bool {
        prefersTwoByteExtensions || extensions.contains { $0.id > 14 || $0.value.isEmpty || $0.value.count > 16 }
    }

    /// Bytes of the extension block including its 4-byte header; 0 without extensions.
    private var extensionBlockLength: Int {
        guard !extensions.isEmpty else { return 0 }
        let perElement = needsTwoByteExtensions ? 2 : 1
        let elements = extensions.reduce(0) { $0 + perElement + $1.value.count }
        return 4 + (elements + 3) / 4 * 4
    }

    public func serialize() -> [UInt8] {
        precondition(csrcs.count <= 15, "at most 15 CSRCs")
        let headerLength = 12 + 4 * csrcs.count
        let extensionLength = extensionBlockLength
        // Room for the writer's transient two-byte layout (see RTPExtensionWriter).
        let scratch = extensions.isEmpty ? 0 : extensions.reduce(4 + 3) { $0 + 2 + $1.value.count }
        let total = headerLength + max(extensionLength, scratch) + payload.count + Int(paddingLength)
        var out = [UInt8](repeating: 0, count: total)
        let written = out.withUnsafeMutableBytes { buffer -> Int in
            RTPHeaderWriter.write(
                into: buffer, marker: marker, payloadType: payloadType, sequenceNumber: sequenceNumber,
                timestamp: timestamp, ssrc: ssrc, hasExtension: !extensions.isEmpty)
            buffer[0] |= UInt8(csrcs.count) | (paddingLength > 0 ? 0x20 : 0)
            for (index, csrc) in csrcs.enumerated() { buffer.storeBigEndian(csrc, at: 12 + 4 * index) }
            var offset = headerLength
            if !extensions.isEmpty {
                var writer = RTPExtensionWriter(buffer: buffer, offset: offset)
                if prefersTwoByteExtensions { writer.useTwoByteForm() }
                for element in extensions {
                    element.value.withUnsafeBytes { writer.append(id: element.id, bytes: $0) }
                }
                offset += writer.finish()
            }
            for (index, byte) in payload.enumerated() { buffer[offset + index] = byte }
            offset += payload.count
            if paddingLength > 0 {
                for k in 0 ..< Int(paddingLength) { buffer[offset + k] = 0 }
                offset += Int(paddingLength)
                buffer[offset - 1] = paddingLength
            }
            return offset
        }
        out.removeLast(total - written)
        return out
    }
}
