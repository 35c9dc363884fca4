internal import COpenSSL

/// Certificate fingerprints in the SDP `a=fingerprint` form (RFC 8122): uppercase hex pairs joined by ":".
enum DTLSFingerprint {
    /// The OpenSSL digest for an SDP hash function name ("sha-256", "SHA-256", "sha256", "sha-1", …).
    static func digest(named algorithm: String) -> OpaquePointer? {
        let name = algorithm.lowercased().filter { $0 != "-" }
        guard ["sha1", "sha224", "sha256", "sha384", "sha512"].contains(name) else { return nil }
        return EVP_get_digestbyname(name)
    }

    /// The digest of a certificate's DER encoding, or nil if OpenSSL fails.
    static func compute(certificate: OpaquePointer, digest: OpaquePointer) -> [UInt8]? {
        var bytes = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        let ok = bytes.withUnsafeMutableBufferPointer { X509_digest(certificate, digest, $0.baseAddress, &length) }
        guard ok == 1 else { return nil }
        return Array(bytes.prefix(Int(length)))
    }

    static func format(_ digest: [UInt8]) -> String {
        let hex: [Character] = Array("0123456789ABCDEF")
        return digest.map { String([hex[Int($0 >> 4)], hex[Int($0 & 0x0f)]]) }.joined(separator: ":")
    }

    /// Parses "AB:cd:…" (case-insensitive; colons optional) into bytes.
    static func parse(_ value: String) -> [UInt8]? {
        let digits = Array(value.filter { $0 != ":" && !$0.isWhitespace })
        guard !digits.isEmpty, digits.count % 2 == 0 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(digits.count / 2)
        for pair in stride(from: 0, to: digits.count, by: 2) {
            guard let byte = UInt8(String(digits[pair...pair + 1]), radix: 16) else { return nil }
            out.append(byte)
        }
        return out
    }
}

/// OpenSSL's per-thread error queue.
enum OpenSSLErrors {
    /// Empties the queue, returning the reason of the first (oldest) error, if any.
    static func drainReason() -> String? {
        var first: String?
        while true {
            let code = ERR_get_error()
            if code == 0 { break }
            if first == nil {
                if let reason = ERR_reason_error_string(code) {
                    first = String(cString: reason)
                } else {
                    var buffer = [CChar](repeating: 0, count: 256)
                    ERR_error_string_n(code, &buffer, buffer.count)
                    first = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
                }
            }
        }
        return first
    }
}
