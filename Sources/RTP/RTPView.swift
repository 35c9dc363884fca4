/// A non-allocating, read-only view of one RTP packet (RFC 3550 §5.1) over borrowed bytes.
///
/// The view validates the layout once in `init` and stores the offsets, so the accessors are plain loads.
/// It never copies or allocates; the caller keeps the bytes alive for as long as the view is used.
public struct RTPView {
    /// The whole packet.
    public let bytes: UnsafeRawBufferPointer
    /// Fixed header + CSRCs + extension block (its 4-byte header and its elements).
    public let headerLength: Int
    /// The byte range of the extension elements (after the 4-byte extension header); empty if there is no extension.
    public let extensionRange: Range<Int>
    /// The payload, without padding.
    public let payloadRange: Range<Int>

    /// Returns nil if the bytes are not a well-formed RTP packet: fewer than 12 bytes, version != 2,
    /// CSRC list or extension overrun, or a padding count of 0 or larger than what follows the header.
    @inlinable
    public init?(_ bytes: UnsafeRawBufferPointer) {
        guard let layout = try? RTPLayout.parse(bytes) else { return nil }
        self.bytes = bytes
        self.headerLength = layout.headerLength
        self.extensionRange = layout.extensionRange
        self.payloadRange = layout.payloadRange
    }

    @inlinable public var version: UInt8 { bytes[0] >> 6 }
    @inlinable public var hasPadding: Bool { bytes[0] & 0x20 != 0 }
    @inlinable public var hasExtension: Bool { bytes[0] & 0x10 != 0 }
    @inlinable public var csrcCount: Int { Int(bytes[0] & 0x0F) }
    @inlinable public var marker: Bool { bytes[1] & 0x80 != 0 }
    @inlinable public var payloadType: UInt8 { bytes[1] & 0x7F }
    @inlinable public var sequenceNumber: UInt16 { bytes.loadBigEndianUInt16(at: 2) }
    @inlinable public var timestamp: UInt32 { bytes.loadBigEndianUInt32(at: 4) }
    @inlinable public var ssrc: UInt32 { bytes.loadBigEndianUInt32(at: 8) }

    /// The `index`-th contributing source (0 ..< csrcCount).
    @inlinable public func csrc(at index: Int) -> UInt32 {
        precondition(index >= 0 && index < csrcCount, "CSRC index out of range")
        return bytes.loadBigEndianUInt32(at: 12 + 4 * index)
    }

    /// The number of padding bytes at the end (0 when the P bit is clear).
    @inlinable public var paddingLength: Int { bytes.count - payloadRange.upperBound }

    /// The extension profile ("defined by profile" field); nil when the X bit is 0.
    /// 0xBEDE is RFC 8285's one-byte form; `profile & 0xFFF0 == 0x1000` is the two-byte form.
    @inlinable public var extensionProfile: UInt16? {
        guard hasExtension else { return nil }
        return bytes.loadBigEndianUInt16(at: extensionRange.lowerBound - 4)
    }

    /// Calls `body` for each RFC 8285 extension element, with its id and the byte range of its value.
    /// Padding bytes (0) are skipped; in the one-byte form id 15 stops the walk. Elements of other profiles
    /// are not reported. A truncated element ends the walk.
    @inlinable
    public func forEachExtension(_ body: (_ id: UInt8, _ range: Range<Int>) -> Void) {
        _ = firstExtension { id, range in body(id, range); return false }
    }

    /// The byte range of the value of the first extension element with this id, or nil.
    @inlinable
    public func extensionElement(id: UInt8) -> Range<Int>? {
        firstExtension { elementID, _ in elementID == id }
    }

    /// The walk of `forEachExtension`, stopped at the first element for which `stop` is true: that element's
    /// value range (the forwarding path looks up an id per packet and need not read the rest).
    @inlinable
    func firstExtension(where stop: (_ id: UInt8, _ range: Range<Int>) -> Bool) -> Range<Int>? {
        guard let profile = extensionProfile else { return nil }
        let end = extensionRange.upperBound
        var i = extensionRange.lowerBound
        if profile == RTPExtensionProfile.oneByte {
            while i < end {
                let b = bytes[i]
                if b == 0 { i += 1; continue }
                let id = b >> 4
                if id == 15 || id == 0 { return nil }  // as `RTPPacket`: only the whole byte 0 is padding
                let length = Int(b & 0x0F) + 1
                guard i + 1 + length <= end else { return nil }
                let range = (i + 1) ..< (i + 1 + length)
                if stop(id, range) { return range }
                i += 1 + length
            }
        } else if profile & 0xFFF0 == RTPExtensionProfile.twoByte {
            while i < end {
                let id = bytes[i]
                if id == 0 { i += 1; continue }
                guard i + 2 <= end else { return nil }
                let length = Int(bytes[i + 1])
                guard i + 2 + length <= end else { return nil }
                let range = (i + 2) ..< (i + 2 + length)
                if stop(id, range) { return range }
                i += 2 + length
            }
        }
        return nil
    }
}

/// The "defined by profile" values of RFC 8285.
public enum RTPExtensionProfile {
    public static let oneByte: UInt16 = 0xBEDE
    /// The two-byte form is 0x100 followed by 4 "appbits"; this is the value with appbits 0.
    public static let twoByte: UInt16 = 0x1000
}

/// Offsets of a validated packet; shared by `RTPView` and `RTPPacket`.
@usableFromInline
struct RTPLayout {
    @usableFromInline var headerLength: Int
    @usableFromInline var extensionRange: Range<Int>
    @usableFromInline var payloadRange: Range<Int>

    @usableFromInline
    init(headerLength: Int, extensionRange: Range<Int>, payloadRange: Range<Int>) {
        self.headerLength = headerLength
        self.extensionRange = extensionRange
        self.payloadRange = payloadRange
    }

    @inlinable
    static func parse(_ bytes: UnsafeRawBufferPointer) throws(RTPParseError) -> RTPLayout {
        let count = bytes.count
        guard count >= 12 else { throw .tooShort }
        let first = bytes[0]
        guard first >> 6 == 2 else { throw .badVersion(first >> 6) }
        var offset = 12 + 4 * Int(first & 0x0F)
        guard offset <= count else { throw .csrcOverrun }
        var extensionRange = offset ..< offset
        if first & 0x10 != 0 {
            guard offset + 4 <= count else { throw .extensionOverrun }
            let words = Int(bytes.loadBigEndianUInt16(at: offset + 2))
            let start = offset + 4
            let end = start + 4 * words
            guard end <= count else { throw .extensionOverrun }
            extensionRange = start ..< end
            offset = end
        }
        var payloadEnd = count
        if first & 0x20 != 0 {
            let padding = Int(bytes[count - 1])
            guard padding > 0, padding <= count - offset else { throw .badPadding }
            payloadEnd = count - padding
        }
        return RTPLayout(headerLength: offset, extensionRange: extensionRange, payloadRange: offset ..< payloadEnd)
    }
}
