import Testing
import SRTP

/// Known-answer tests: fixed key, salt and packet → fixed SRTP bytes, computed outside this code base.
///
/// Provenance of the expected bytes:
/// - AES_CM_128_HMAC_SHA1_80 RTP: the reference packet of libsrtp's own validation test (`srtp_validate()` in
///   libsrtp `test/srtp_driver.c`: `test_key`, `srtp_plaintext_ref`, `srtp_ciphertext`).
/// - All four vectors were also produced by pylibsrtp 1.0.0 (PyPI; its own bundled libsrtp built on OpenSSL, not
///   Debian's NSS build) and by an independent Python implementation of RFC 3711 (AES-CM key derivation, AES-CTR,
///   HMAC-SHA1-80) and RFC 7714 (AEAD_AES_128_GCM) over the `cryptography` package's AES / AES-GCM primitives;
///   the three agreed byte for byte. That script is reproduced at the end of this file.
@Suite struct SRTPKnownAnswerTests {
    /// libsrtp test_key, first 30 bytes: 16-byte master key + 14-byte master salt.
    static let cmKeyAndSalt = hexBytes("e1f97a0d3e018be0d64fa32c06de4139 0ec675ad498afeebb6960b3aabe6")
    /// 00 01 … 0f master key, a0 a1 … ab master salt (12 bytes, RFC 7714).
    static let gcmKeyAndSalt = hexBytes("000102030405060708090a0b0c0d0e0f a0a1a2a3a4a5a6a7a8a9aaab")

    /// V=2 PT=15 seq=0x1234 ts=0xdecafbad SSRC=0xcafebabe, 16 bytes of 0xab (libsrtp `srtp_plaintext_ref`).
    static let rtp = hexBytes("800f1234 decafbad cafebabe abababababababababababababababab")

    struct Vector: Sendable, CustomTestStringConvertible {
        var name: String
        var profile: SRTPProfile
        var kind: Kind
        var expected: String
        enum Kind: Sendable { case rtp, rtcp }
        var testDescription: String { name }
    }

    static let vectors: [Vector] = [
        Vector(name: "AES_CM_128_HMAC_SHA1_80 RTP (libsrtp srtp_validate)", profile: .aes128CMHMACSHA1_80, kind: .rtp,
               expected: "800f1234decafbadcafebabe" + "4e55dc4ce79978d88ca4d215949d2402" // encrypted payload
                   + "b78d6acc99ea179b8dbb"),                                          // 80-bit tag
        Vector(name: "AES_CM_128_HMAC_SHA1_80 RTCP SR", profile: .aes128CMHMACSHA1_80, kind: .rtcp,
               expected: "80c80006cafebabe" + "39336cb2451162b21552647a52dc0e677e442daa" // encrypted sender info
                   + "80000001"                                                      // E=1, SRTCP index 1
                   + "6edbed7cf40b91f2275b"),                                        // 80-bit tag
        Vector(name: "AEAD_AES_128_GCM RTP", profile: .aeadAES128GCM, kind: .rtp,
               expected: "800f1234decafbadcafebabe" + "c5002ede04cfdd2eb91159e0880aa06e" // ciphertext
                   + "d2976826f796b201df3131a127e8a392"),                             // 128-bit tag
        Vector(name: "AEAD_AES_128_GCM RTCP SR", profile: .aeadAES128GCM, kind: .rtcp,
               expected: "80c80006cafebabe" + "8190e4b451aff15a2e81981a0725dbeac96e3268" // ciphertext
                   + "8ce895430bdebaf5dd706f61d9e72b35"                               // 128-bit tag
                   + "80000001"),                                                    // E=1, SRTCP index 1
    ]

    @Test(arguments: vectors) func protectMatchesVector(vector: Vector) throws {
        let key = vector.profile == .aeadAES128GCM ? Self.gcmKeyAndSalt : Self.cmKeyAndSalt
        let tx = try SRTPContext(profile: vector.profile, masterKeyAndSalt: key, direction: .outbound)
        let rx = try SRTPContext(profile: vector.profile, masterKeyAndSalt: key, direction: .inbound)
        let plain = vector.kind == .rtp ? Self.rtp : senderReport
        let kind: PacketKind = vector.kind == .rtp ? .rtp : .rtcp
        let expected = hexBytes(vector.expected)
        #expect(try tx.protect(plain, kind) == expected)
        #expect(try rx.unprotect(expected, kind) == plain)
    }
}

/* The independent implementation used to cross-check the vectors above (python3 + cryptography 48):

 import hmac, hashlib, struct
 from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
 from cryptography.hazmat.primitives.ciphers.aead import AESGCM
 def ctr(key, iv16, data):
     e = Cipher(algorithms.AES(key), modes.CTR(iv16)).encryptor(); return e.update(data) + e.finalize()
 def kdf(mk, ms, label, n):                    # RFC 3711 §4.3.1, kdr = 0; a 12-byte salt is zero-padded to 14
     salt14 = ms + b'\0' * (14 - len(ms)); x = bytearray(salt14); x[7] ^= label
     return ctr(mk, bytes(x) + b'\0\0', b'\0' * n)
 def cm_rtp(mk, ms, pkt, roc=0):
     ek, ak, ss = kdf(mk, ms, 0, 16), kdf(mk, ms, 1, 20), kdf(mk, ms, 2, 14)
     idx = (roc << 16) | struct.unpack('>H', pkt[2:4])[0]; iv = bytearray(ss + b'\0\0')
     for i, b in enumerate(pkt[8:12]): iv[4 + i] ^= b
     for i, b in enumerate(idx.to_bytes(6, 'big')): iv[8 + i] ^= b
     out = pkt[:12] + ctr(ek, bytes(iv), pkt[12:])
     return out + hmac.new(ak, out + roc.to_bytes(4, 'big'), hashlib.sha1).digest()[:10]
 def cm_rtcp(mk, ms, pkt, index=1):
     ek, ak, ss = kdf(mk, ms, 3, 16), kdf(mk, ms, 4, 20), kdf(mk, ms, 5, 14); iv = bytearray(ss + b'\0\0')
     for i, b in enumerate(pkt[4:8]): iv[4 + i] ^= b
     for i, b in enumerate(index.to_bytes(6, 'big')): iv[8 + i] ^= b
     out = pkt[:8] + ctr(ek, bytes(iv), pkt[8:]) + (0x80000000 | index).to_bytes(4, 'big')
     return out + hmac.new(ak, out, hashlib.sha1).digest()[:10]
 def gcm_rtp(mk, ms, pkt, roc=0):              # RFC 7714 §8
     ek, ss = kdf(mk, ms, 0, 16), kdf(mk, ms, 2, 12)
     iv = bytes(a ^ b for a, b in zip(b'\0\0' + pkt[8:12] + roc.to_bytes(4, 'big') + pkt[2:4], ss))
     return pkt[:12] + AESGCM(ek).encrypt(iv, pkt[12:], pkt[:12])
 def gcm_rtcp(mk, ms, pkt, index=1):           # RFC 7714 §9
     ek, ss = kdf(mk, ms, 3, 16), kdf(mk, ms, 5, 12)
     iv = bytes(a ^ b for a, b in zip(b'\0\0' + pkt[4:8] + b'\0\0' + index.to_bytes(4, 'big'), ss))
     eidx = (0x80000000 | index).to_bytes(4, 'big')
     return pkt[:8] + AESGCM(ek).encrypt(iv, pkt[8:], pkt[:8] + eidx) + eidx
*/
