internal import COpenSSL

/// The per-endpoint state OpenSSL's callbacks reach through `Unmanaged` (BIO data and SSL app data).
///
/// OpenSSL 3.0 has no datagram memory BIO and `BIO_s_mem` merges datagrams (DESIGN §5), so a custom `BIO_METHOD`
/// does the I/O: each write is one datagram appended to `outbound`; a read hands over the one pending inbound
/// datagram, then reports "retry" until the next `handle(datagram:)`.
final class DTLSCallbackState {
    var outbound: [[UInt8]] = []
    var inbound: UnsafeRawBufferPointer?
    let mtu: Int

    /// The pinned peer certificate fingerprint (`EVP_MD*` and digest bytes).
    let expectedDigest: OpaquePointer
    let expectedFingerprint: [UInt8]
    /// Set by the verify callback when the peer's leaf certificate does not match.
    var fingerprintMismatch = false

    /// First retransmission timeout in microseconds; doubled on each timeout up to 60 s (RFC 6347 §4.2.4.1).
    let initialTimeoutMicros: UInt32

    init(mtu: Int, expectedDigest: OpaquePointer, expectedFingerprint: [UInt8], initialTimeoutMicros: UInt32) {
        self.mtu = mtu
        self.expectedDigest = expectedDigest
        self.expectedFingerprint = expectedFingerprint
        self.initialTimeoutMicros = initialTimeoutMicros
    }

    func takeOutbound() -> [[UInt8]] {
        defer { outbound.removeAll(keepingCapacity: true) }
        return outbound
    }

    /// Whether `certificate` (an `X509*`) has the expected fingerprint.
    func matches(certificate: OpaquePointer) -> Bool {
        DTLSFingerprint.compute(certificate: certificate, digest: expectedDigest) == expectedFingerprint
    }

    static func from(_ raw: UnsafeMutableRawPointer?) -> DTLSCallbackState? {
        raw.map { Unmanaged<DTLSCallbackState>.fromOpaque($0).takeUnretainedValue() }
    }
}

enum DTLSDatagramBIO {
    /// One `BIO_METHOD` for the process, created on first use and never freed.
    nonisolated(unsafe) static let method: OpaquePointer? = {
        guard let method = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "classbridge-dtls-datagram")
        else { return nil }
        _ = BIO_meth_set_write(method, { bio, data, length in
            guard let state = DTLSCallbackState.from(BIO_get_data(bio)), let data, length >= 0 else { return -1 }
            cb_BIO_clear_retry_flags(bio)
            state.outbound.append(Array(UnsafeRawBufferPointer(start: data, count: Int(length))))
            return length
        })
        _ = BIO_meth_set_read(method, { bio, buffer, capacity in
            guard let state = DTLSCallbackState.from(BIO_get_data(bio)), let buffer else { return -1 }
            cb_BIO_clear_retry_flags(bio)
            guard let datagram = state.inbound else {
                cb_BIO_set_retry_read(bio)
                return -1
            }
            state.inbound = nil
            let count = min(datagram.count, Int(capacity))  // OpenSSL reads DTLS with a full-record buffer
            if count > 0, let source = datagram.baseAddress {
                UnsafeMutableRawPointer(buffer).copyMemory(from: source, byteCount: count)
            }
            return Int32(count)
        })
        _ = BIO_meth_set_ctrl(method, { bio, command, _, _ in
            switch command {
            case BIO_CTRL_FLUSH:
                return 1
            case BIO_CTRL_DGRAM_QUERY_MTU, BIO_CTRL_DGRAM_GET_FALLBACK_MTU:
                return DTLSCallbackState.from(BIO_get_data(bio)).map { Int($0.mtu) } ?? 0
            case BIO_CTRL_DGRAM_GET_MTU_OVERHEAD:
                return 0  // the configured MTU already is the UDP payload ceiling
            case BIO_CTRL_PENDING, BIO_CTRL_WPENDING:
                return 0
            default:
                return 0
            }
        })
        _ = BIO_meth_set_create(method, { bio in
            BIO_set_init(bio, 1)
            return 1
        })
        _ = BIO_meth_set_destroy(method, { bio in
            BIO_set_data(bio, nil)  // the endpoint owns the state; nothing to free here
            return 1
        })
        return method
    }()
}

enum DTLSCallbacks {
    /// Accepts self-signed certificates; pins the leaf (depth 0) to the expected fingerprint.
    static let verify: @convention(c) (Int32, OpaquePointer?) -> Int32 = { _, store in
        guard let store, let ssl = cb_X509_STORE_CTX_get_ssl(store),
              let state = DTLSCallbackState.from(cb_SSL_get_app_data(ssl))
        else { return 0 }
        guard X509_STORE_CTX_get_error_depth(store) == 0 else { return 1 }  // intermediates: only the leaf is pinned
        guard let certificate = X509_STORE_CTX_get_current_cert(store) else { return 0 }
        if state.matches(certificate: certificate) { return 1 }
        state.fingerprintMismatch = true
        X509_STORE_CTX_set_error(store, X509_V_ERR_CERT_REJECTED)  // the peer gets a bad_certificate alert
        return 0
    }

    /// Retransmission timer: the configured initial duration, doubled per timeout, at most 60 s.
    static let timer: @convention(c) (OpaquePointer?, UInt32) -> UInt32 = { ssl, previous in
        guard let ssl, let state = DTLSCallbackState.from(cb_SSL_get_app_data(ssl)) else { return 1_000_000 }
        if previous == 0 { return state.initialTimeoutMicros }
        return min(previous.multipliedReportingOverflow(by: 2).partialValue, 60_000_000)
    }
}
