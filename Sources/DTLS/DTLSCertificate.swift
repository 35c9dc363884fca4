internal import COpenSSL
internal import Synchronization

/// A self-signed ECDSA certificate and its private key, for the DTLS handshake (WebRTC pins certificates by
/// fingerprint, so no CA is involved). Immutable after creation; share one per process or per room.
public final class DTLSCertificate: @unchecked Sendable {
    /// `X509*` and `EVP_PKEY*`; never mutated after init, and OpenSSL reference-counts them safely across threads.
    let x509: OpaquePointer
    let privateKey: OpaquePointer
    /// The shared `SSL_CTX*` as a bit pattern (0: not created yet); see `sharedSSLContext()`.
    let contextCache = Mutex<UInt>(0)

    /// SHA-256 of the DER certificate, uppercase hex pairs joined by ":" (SDP `a=fingerprint:sha-256 …`).
    public let fingerprintSHA256: String

    private init(x509: OpaquePointer, privateKey: OpaquePointer, fingerprintSHA256: String) {
        self.x509 = x509
        self.privateKey = privateKey
        self.fingerprintSHA256 = fingerprintSHA256
    }

    deinit {
        if let context = OpaquePointer(bitPattern: contextCache.withLock { $0 }) { SSL_CTX_free(context) }
        X509_free(x509)
        EVP_PKEY_free(privateKey)
    }

    /// ECDSA P-256 key, SHA-256 signature, valid from one day ago to 30 days ahead, random 63-bit serial.
    public static func generateSelfSigned(commonName: String = "ClassBridge") throws -> DTLSCertificate {
        ERR_clear_error()
        guard let key = cb_EVP_EC_gen_P256() else { throw failure("ec_keygen_failed") }
        guard let x509 = X509_new() else {
            EVP_PKEY_free(key)
            throw failure("x509_new_failed")
        }
        do {
            try build(x509, key: key, commonName: commonName)
            guard let sha256 = EVP_sha256(), let digest = DTLSFingerprint.compute(certificate: x509, digest: sha256)
            else { throw failure("x509_digest_failed") }
            return DTLSCertificate(x509: x509, privateKey: key, fingerprintSHA256: DTLSFingerprint.format(digest))
        } catch {
            X509_free(x509)
            EVP_PKEY_free(key)
            throw error
        }
    }

    private static func build(_ x509: OpaquePointer, key: OpaquePointer, commonName: String) throws(DTLSError) {
        guard X509_set_version(x509, 2) == 1 else { throw failure("x509_set_version_failed") }  // v3

        guard let serial = BN_new() else { throw failure("bn_new_failed") }
        defer { BN_free(serial) }
        // top = 0: the most significant of the 63 bits is set, so the serial is positive and never zero.
        guard BN_rand(serial, 63, 0, 0) == 1, BN_to_ASN1_INTEGER(serial, X509_get_serialNumber(x509)) != nil
        else { throw failure("x509_serial_failed") }

        guard X509_gmtime_adj(X509_getm_notBefore(x509), -86_400) != nil,
              X509_gmtime_adj(X509_getm_notAfter(x509), 30 * 86_400) != nil
        else { throw failure("x509_validity_failed") }

        guard let name = X509_get_subject_name(x509) else { throw failure("x509_name_failed") }
        let cn = Array(commonName.utf8)
        let added = cn.withUnsafeBufferPointer {
            X509_NAME_add_entry_by_txt(name, "CN", cb_MBSTRING_ASC(), $0.baseAddress, Int32(cn.count), -1, 0)
        }
        guard added == 1, X509_set_issuer_name(x509, name) == 1 else { throw failure("x509_name_failed") }

        guard X509_set_pubkey(x509, key) == 1 else { throw failure("x509_set_pubkey_failed") }
        guard X509_sign(x509, key, EVP_sha256()) > 0 else { throw failure("x509_sign_failed") }
    }

    private static func failure(_ what: String) -> DTLSError {
        DTLSError(reason: OpenSSLErrors.drainReason().map { "\(what): \($0)" } ?? what)
    }
}
