/// A STUN message (RFC 8489): a 20-byte header and a list of attributes kept in wire order.
///
/// Parsing is strict about framing (magic cookie, length, 4-byte alignment, attribute bounds) and about the sizes
/// of the attributes it interprets; integrity and fingerprint are *not* checked by parsing: use
/// ``verifyIntegrity(_:key:)`` and ``verifyFingerprint(_:)`` on the same raw bytes.
///
/// Note (RFC 8489 §14.5): attributes after MESSAGE-INTEGRITY, other than FINGERPRINT, are not covered by it; they
/// are still returned by the parser. Callers that trust attributes because the integrity check passed should read
/// ``authenticatedAttributes``.
public struct STUNMessage: Equatable, Sendable {
    public static let magicCookie: UInt32 = 0x2112_A442
    public static let headerSize = 20
    /// XORed into the CRC-32 to form FINGERPRINT ("STUN").
    public static let fingerprintXOR: UInt32 = 0x5354_554E

    public var type: STUNMessageType
    /// 12 bytes. `serialize` pads a shorter value with zeros and truncates a longer one.
    public var transactionID: [UInt8]
    public var attributes: [STUNAttribute]

    public init(type: STUNMessageType, transactionID: [UInt8], attributes: [STUNAttribute] = []) {
        self.type = type
        self.transactionID = transactionID
        self.attributes = attributes
    }

    /// Twelve random bytes from `SystemRandomNumberGenerator`.
    public static func randomTransactionID() -> [UInt8] {
        var rng = SystemRandomNumberGenerator()
        return (0..<12).map { _ in UInt8.random(in: .min ... .max, using: &rng) }
    }

    // MARK: - Parsing

    public init(parsing bytes: UnsafeRawBufferPointer) throws(STUNError) {
        let end = try Self.checkHeader(bytes)
        let id = Array(bytes[8..<20])
        var attributes: [STUNAttribute] = []
        var offset = Self.headerSize
        while offset < end {
            // `end` and `offset` are multiples of 4, so a whole attribute header is present.
            let type = readUInt16(bytes, offset)
            let length = Int(readUInt16(bytes, offset + 2))
            let valueStart = offset + 4
            guard length <= end - valueStart else { throw .attributeOverrun(type: type) }
            let value = UnsafeRawBufferPointer(rebasing: bytes[valueStart..<(valueStart + length)])
            attributes.append(try STUNAttribute.decode(type: type, value: value, transactionID: id))
            offset = valueStart + (length + 3) & ~3
        }
        self.init(type: STUNMessageType(rawValue: readUInt16(bytes, 0)), transactionID: id, attributes: attributes)
    }

    public init(parsing bytes: [UInt8]) throws(STUNError) {
        let result = bytes.withUnsafeBytes { buffer -> Result<STUNMessage, STUNError> in
            do throws(STUNError) { return .success(try STUNMessage(parsing: buffer)) } catch { return .failure(error) }
        }
        self = try result.get()
    }

    /// Validates the fixed header and returns the end offset of the message (== bytes.count).
    static func checkHeader(_ bytes: UnsafeRawBufferPointer) throws(STUNError) -> Int {
        guard bytes.count >= headerSize else { throw .truncated }
        guard bytes[0] & 0xC0 == 0 else { throw .notSTUN }
        guard readUInt32(bytes, 4) == magicCookie else { throw .badMagicCookie }
        let length = Int(readUInt16(bytes, 2))
        guard length % 4 == 0 else { throw .badLength }
        guard headerSize + length <= bytes.count else { throw .truncated }
        // One datagram carries one message: trailing bytes are a framing error.
        guard headerSize + length == bytes.count else { throw .badLength }
        return bytes.count
    }

    /// Cheap demultiplexing test (RFC 7983): first byte 0...3, at least a header, magic cookie present.
    public static func isSTUN(_ bytes: UnsafeRawBufferPointer) -> Bool {
        bytes.count >= headerSize && bytes[0] <= 3 && readUInt32(bytes, 4) == magicCookie
    }

    /// Walks the attributes of a well-formed message without decoding them. `body` gets the attribute type, the
    /// range of its value (padding excluded) and the offset of its 4-byte header; returning false stops the walk.
    /// Returns false if the message is malformed (before or at the point the walk stopped).
    @discardableResult
    static func walkAttributes(_ bytes: UnsafeRawBufferPointer,
                               _ body: (_ type: UInt16, _ value: Range<Int>, _ start: Int) -> Bool) -> Bool {
        guard let end = try? checkHeader(bytes) else { return false }
        var offset = headerSize
        while offset < end {
            let type = readUInt16(bytes, offset)
            let length = Int(readUInt16(bytes, offset + 2))
            let valueStart = offset + 4
            guard length <= end - valueStart else { return false }
            if !body(type, valueStart..<(valueStart + length), offset) { return true }
            offset = valueStart + (length + 3) & ~3
        }
        return true
    }

    /// The value range (padding excluded) of the first attribute of `type` in a well-formed message, else nil.
    public static func findAttribute(_ type: UInt16, in bytes: UnsafeRawBufferPointer) -> Range<Int>? {
        var found: Range<Int>?
        let ok = walkAttributes(bytes) { t, value, _ in
            if t == type { found = value; return false }
            return true
        }
        return ok ? found : nil
    }

    // MARK: - Serializing

    /// Encodes the message. With `integrityKey`, any `.messageIntegrity`/`.fingerprint` in `attributes` is left out
    /// and a fresh MESSAGE-INTEGRITY (HMAC-SHA1 over the message so far, header length counting the MESSAGE-INTEGRITY
    /// attribute) is appended; with `addFingerprint`, any `.fingerprint` is left out and a fresh FINGERPRINT is
    /// appended last. Without either, attributes are written exactly as given.
    public func serialize(integrityKey: [UInt8]? = nil, addFingerprint: Bool = false) -> [UInt8] {
        var id = Array(transactionID.prefix(12))
        id += repeatElement(0, count: 12 - id.count)
        var out: [UInt8] = []
        out.reserveCapacity(Self.headerSize + 64 + attributes.count * 12)
        appendUInt16(&out, type.rawValue)
        appendUInt16(&out, 0)
        appendUInt32(&out, Self.magicCookie)
        out += id
        for attribute in attributes {
            switch attribute {
            case .messageIntegrity where integrityKey != nil: continue
            case .fingerprint where integrityKey != nil || addFingerprint: continue
            default: attribute.encode(into: &out, transactionID: id)
            }
        }
        if let key = integrityKey {
            Self.setLength(&out, out.count - Self.headerSize + 24)
            let mac = out.withUnsafeBytes { STUNIntegrity.hmacSHA1(key: key, $0) }
            STUNAttribute.messageIntegrity(mac).encode(into: &out, transactionID: id)
        }
        if addFingerprint {
            Self.setLength(&out, out.count - Self.headerSize + 8)
            let crc = out.withUnsafeBytes { CRC32.checksum($0) } ^ Self.fingerprintXOR
            STUNAttribute.fingerprint(crc).encode(into: &out, transactionID: id)
        }
        Self.setLength(&out, out.count - Self.headerSize)
        return out
    }

    static func setLength(_ out: inout [UInt8], _ length: Int) {
        out[2] = UInt8(truncatingIfNeeded: length >> 8)
        out[3] = UInt8(truncatingIfNeeded: length)
    }
}
