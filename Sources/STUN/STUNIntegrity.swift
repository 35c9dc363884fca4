import Crypto

/// MESSAGE-INTEGRITY (HMAC-SHA1, RFC 8489 §14.5) and FINGERPRINT (CRC-32, §14.7) over raw message bytes.
extension STUNMessage {
    /// Recomputes the HMAC-SHA1 over the bytes before the first MESSAGE-INTEGRITY, with the header length set to end
    /// just after that attribute, and compares it in constant time. False if the message is malformed or has no
    /// (20-byte) MESSAGE-INTEGRITY.
    public static func verifyIntegrity(_ bytes: UnsafeRawBufferPointer, key: [UInt8]) -> Bool {
        var attributeStart: Int?
        let wellFormed = walkAttributes(bytes) { type, value, start in
            guard type == STUNAttributeType.messageIntegrity else { return true }
            if value.count == 20 { attributeStart = start }
            return false
        }
        guard wellFormed, let start = attributeStart else { return false }
        let expected = STUNIntegrity.hmacSHA1(key: key, bytes, upTo: start)
        return STUNIntegrity.constantTimeEqual(expected, bytes, at: start + 4)
    }

    /// True if the last attribute is a FINGERPRINT whose value is CRC-32(message before it) XOR 0x5354554E.
    public static func verifyFingerprint(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var lastAttribute: (type: UInt16, value: Range<Int>, start: Int)?
        guard walkAttributes(bytes, { type, value, start in lastAttribute = (type, value, start); return true }),
              let last = lastAttribute, last.type == STUNAttributeType.fingerprint, last.value.count == 4 else { return false }
        let crc = CRC32.checksum(UnsafeRawBufferPointer(rebasing: bytes[0..<last.start])) ^ fingerprintXOR
        return crc == readUInt32(bytes, last.value.lowerBound)
    }

    /// The long-term credential key (RFC 8489 §9.2.2, MD5 variant): MD5("username:realm:password"). The strings are
    /// used as given: apply SASLprep/OpaqueString beforehand if they need it.
    public static func longTermKey(username: String, realm: String, password: String) -> [UInt8] {
        Array(Insecure.MD5.hash(data: Array("\(username):\(realm):\(password)".utf8)))
    }
}

enum STUNIntegrity {
    /// HMAC-SHA1 of `message` (a full serialized prefix whose header length is already right).
    static func hmacSHA1(key: [UInt8], _ message: UnsafeRawBufferPointer) -> [UInt8] {
        var mac = HMAC<Insecure.SHA1>(key: SymmetricKey(data: key))
        mac.update(data: message)
        return Array(mac.finalize())
    }

    /// HMAC-SHA1 of `bytes[0..<end]` with the header length field replaced by `end - 20 + 24`.
    static func hmacSHA1(key: [UInt8], _ bytes: UnsafeRawBufferPointer, upTo end: Int) -> [UInt8] {
        let length = end - STUNMessage.headerSize + 24
        var mac = HMAC<Insecure.SHA1>(key: SymmetricKey(data: key))
        mac.update(data: UnsafeRawBufferPointer(rebasing: bytes[0..<2]))
        mac.update(data: [UInt8(truncatingIfNeeded: length >> 8), UInt8(truncatingIfNeeded: length)])
        mac.update(data: UnsafeRawBufferPointer(rebasing: bytes[4..<end]))
        return Array(mac.finalize())
    }

    /// Compares `expected` with `bytes[offset..<offset + expected.count]` without an early exit.
    static func constantTimeEqual(_ expected: [UInt8], _ bytes: UnsafeRawBufferPointer, at offset: Int) -> Bool {
        guard offset >= 0, bytes.count - offset >= expected.count else { return false }
        var difference: UInt8 = 0
        for i in 0..<expected.count { difference |= expected[i] ^ bytes[offset + i] }
        return difference == 0
    }
}

/// CRC-32/ISO-HDLC (the zlib/Ethernet CRC: reflected polynomial 0xEDB88320, init and final XOR 0xFFFFFFFF).
/// Check value: CRC-32("123456789") == 0xCBF43926.
public enum CRC32 {
    static let table: [UInt32] = (0..<256).map { (n: UInt32) -> UInt32 in
        var c = n
        for _ in 0..<8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }

    public static func checksum(_ bytes: UnsafeRawBufferPointer) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        table.withUnsafeBufferPointer { t in
            for byte in bytes { crc = t[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
        }
        return crc ^ 0xFFFF_FFFF
    }
}
