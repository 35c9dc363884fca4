import Testing
@testable import SRTP

/// `ProviderAESGCM` on its own, against the GCM specification's test case 4 (McGrew and Viega, AES-128, 96-bit IV,
/// 20 bytes of associated data, 60 of plaintext). SRTP's known answers and the libsrtp cross-checks cover it too.
@Suite struct ProviderAESGCMTests {
    static let key = hexBytes("feffe9928665731c6d6a8f9467308308")
    static let iv = hexBytes("cafebabefacedbaddecaf888")
    static let aad = hexBytes("feedfacedeadbeeffeedfacedeadbeefabaddad2")
    static let plain = hexBytes("""
        d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72\
        1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39
        """)
    static let sealed = hexBytes("""
        42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e\
        21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091
        """)
    static let tag = hexBytes("5bc94fbc3221a5db94fae95ae7121a47")

    /// Seals `aad[0..<inline] || plain` in place, the rest of the associated data (4 bytes or none) given apart.
    func seal(_ cipher: borrowing ProviderAESGCM, inlineAAD: Int) -> [UInt8]? {
        var bytes = Array(Self.aad[0..<inlineAAD]) + Self.plain + [UInt8](repeating: 0, count: 16)
        var extra = Array(Self.aad[inlineAAD...])
        let dataEnd = inlineAAD + Self.plain.count, hasExtra = !extra.isEmpty
        let ok = bytes.withUnsafeMutableBytes { buffer in
            extra.withUnsafeMutableBytes { extraBuffer in
                cipher.seal(iv: Self.iv, buffer.baseAddress!, aadLength: inlineAAD,
                            extraAAD: hasExtra ? UnsafeRawPointer(extraBuffer.baseAddress!) : nil,
                            dataEnd: dataEnd)
            }
        }
        return ok ? Array(bytes[inlineAAD...]) : nil
    }

    func open(_ cipher: borrowing ProviderAESGCM, _ sealedAndTag: [UInt8]) -> (ProviderAESGCM.OpenResult, [UInt8]) {
        var bytes = Self.aad + sealedAndTag
        let dataEnd = bytes.count - 16
        let result = bytes.withUnsafeMutableBytes {
            cipher.open(iv: Self.iv, $0.baseAddress!, aadLength: Self.aad.count, extraAAD: nil,
                        dataEnd: dataEnd)
        }
        return (result, Array(bytes[Self.aad.count..<dataEnd]))
    }

    /// Runs `body` on a cipher keyed with `key`; false if there is none (a non-copyable value cannot be compared
    /// or required by the testing macros).
    func withCipher(_ key: [UInt8] = Self.key, _ body: (borrowing ProviderAESGCM) -> Void = { _ in }) -> Bool {
        guard let cipher = ProviderAESGCM(key: key) else { return false }
        body(cipher)
        return true
    }

    @Test func sealsTheSpecificationVector() {
        let keyed = withCipher { cipher in seals(cipher) }
        #expect(keyed)
    }

    func seals(_ cipher: borrowing ProviderAESGCM) {
        #expect(seal(cipher, inlineAAD: 20) == Self.sealed + Self.tag)
        // The last 4 bytes of associated data apart, as SRTCP's index word is.
        #expect(seal(cipher, inlineAAD: 16) == Self.sealed + Self.tag)
    }

    @Test func opensItAndRejectsAnyChangedByte() {
        let keyed = withCipher { cipher in opensAndRejects(cipher) }
        #expect(keyed)
    }

    func opensAndRejects(_ cipher: borrowing ProviderAESGCM) {
        let genuine = Self.sealed + Self.tag
        let (result, plain) = open(cipher, genuine)
        #expect(result == .opened)
        #expect(plain == Self.plain)
        for position in [0, 30, 59, 60, 75] {  // ciphertext, then tag
            var tampered = genuine
            tampered[position] ^= 0x01
            #expect(open(cipher, tampered).0 == .authenticationFailed)
        }
        // A failure leaves the context usable, in either direction.
        #expect(open(cipher, genuine).1 == Self.plain)
        #expect(seal(cipher, inlineAAD: 20) == genuine)
        #expect(open(cipher, genuine).0 == .opened)
    }

    @Test func refusesAKeyOfTheWrongLength() {
        #expect(!withCipher(Array(Self.key.prefix(15))))
    }
}
