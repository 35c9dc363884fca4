internal import COpenSSL

/// One DTLS 1.2 association (OpenSSL), either role, sans I/O: datagrams in, datagrams out, time as a parameter.
///
/// Feed every datagram the demultiplexer classifies as DTLS (RFC 7983: first byte 20…63) to `handle`, send what
/// each call returns in `datagrams`, and call `handleTimeout` once `now` reaches `nextTimeout`. After
/// `.connected(keys)` the SRTP contexts can be built; `applicationData` carries SCTP packets.
///
/// Timers: OpenSSL 3.0 keeps its retransmission timer on the real clock (`gettimeofday`) and has no way to inject
/// time. `nextTimeout` translates OpenSSL's remaining time into the caller's clock (`now + remaining`), so `now`
/// must advance with real time (any monotonic clock in seconds works); `handleTimeout` before OpenSSL's deadline
/// is a harmless no-op. OpenSSL may also retransmit on its own when a datagram arrives after its deadline.
///
/// Not `Sendable`: the endpoint is owned by the one event loop that runs its transport.
public final class DTLSEndpoint {
    private enum Phase { case handshaking, connected, failed, closed }

    public let role: DTLSRole
    /// True between `.connected` and `.closed` / `.failed`.
    public private(set) var isConnected = false
    /// When `handleTimeout(now:)` should be called next (same clock as `now`); nil when no timer runs.
    public private(set) var nextTimeout: Double?

    private var phase = Phase.handshaking
    private var lastNow: Double = 0
    private let ssl: OpaquePointer  // SSL* (holds a reference to the certificate's shared SSL_CTX)
    private let state: DTLSCallbackState

    /// - Parameters:
    ///   - remoteFingerprint: the peer's SDP `a=fingerprint` (algorithm "sha-256", "sha-1", "sha-384", "sha-512";
    ///     value hex pairs, any case). The peer's certificate must match it or the handshake fails.
    ///   - mtu: the largest datagram this endpoint sends (UDP payload bytes), 256…65_507.
    ///   - initialRetransmitTimeout: seconds before the first retransmission of a flight; doubles per timeout up
    ///     to 60 s; OpenSSL gives up after 12 timeouts.
    public init(
        role: DTLSRole, certificate: DTLSCertificate, remoteFingerprint: (algorithm: String, value: String),
        mtu: Int = 1200, initialRetransmitTimeout: Double = 1.0
    ) throws {
        guard let digest = DTLSFingerprint.digest(named: remoteFingerprint.algorithm) else {
            throw DTLSError(reason: "unsupported_fingerprint_algorithm: \(remoteFingerprint.algorithm)")
        }
        guard let expected = DTLSFingerprint.parse(remoteFingerprint.value),
              expected.count == Int(EVP_MD_get_size(digest))
        else { throw DTLSError(reason: "malformed_fingerprint") }
        guard (256...65_507).contains(mtu) else { throw DTLSError(reason: "invalid_mtu") }
        guard initialRetransmitTimeout > 0, initialRetransmitTimeout <= 60 else {
            throw DTLSError(reason: "invalid_retransmit_timeout")
        }
        ERR_clear_error()
        guard let bioMethod = DTLSDatagramBIO.method else { throw DTLSError(reason: "bio_method_failed") }
        let context = try certificate.sharedSSLContext()
        guard let ssl = SSL_new(context) else { throw Self.setupError("ssl_new_failed") }
        guard let bio = BIO_new(bioMethod) else {
            SSL_free(ssl)
            throw Self.setupError("bio_new_failed")
        }
        let state = DTLSCallbackState(
            mtu: mtu, expectedDigest: digest, expectedFingerprint: expected,
            initialTimeoutMicros: UInt32(initialRetransmitTimeout * 1_000_000))
        let unmanagedState = Unmanaged.passUnretained(state).toOpaque()  // `self.state` keeps it alive
        BIO_set_data(bio, unmanagedState)
        SSL_set_bio(ssl, bio, bio)  // the SSL owns the BIO
        _ = cb_SSL_set_app_data(ssl, unmanagedState)
        DTLS_set_timer_cb(ssl, DTLSCallbacks.timer)
        switch role {
        case .client: SSL_set_connect_state(ssl)
        case .server: SSL_set_accept_state(ssl)
        }
        guard cb_DTLS_set_link_mtu(ssl, mtu) == 1 else {
            SSL_free(ssl)
            throw Self.setupError("dtls_set_link_mtu_failed")
        }
        self.role = role
        self.ssl = ssl
        self.state = state
    }

    deinit {
        SSL_free(ssl)
    }

    private static func setupError(_ what: String) -> DTLSError {
        DTLSError(reason: OpenSSLErrors.drainReason().map { "\(what): \($0)" } ?? what)
    }

    // MARK: driving the association

    /// Client: produces the ClientHello flight. Server: nothing (it waits for the ClientHello).
    public func start(now: Double) -> DTLSOutput {
        lastNow = now
        guard phase == .handshaking, role == .client else { return finish() }
        return advanceHandshake()
    }

    /// Processes one datagram from the peer.
    public func handle(datagram: UnsafeRawBufferPointer, now: Double) -> DTLSOutput {
        lastNow = now
        guard phase == .handshaking || phase == .connected, !datagram.isEmpty else { return finish() }
        state.inbound = datagram
        defer { state.inbound = nil }
        if phase == .handshaking {
            let output = advanceHandshake()
            guard phase == .connected else { return output }
            // Records behind the Finished in the same datagram (rare) are application data.
            var more = readRecords()
            more.datagrams.insert(contentsOf: output.datagrams, at: 0)
            more.event = more.event ?? output.event
            return more
        }
        return readRecords()
    }

    /// Retransmits the last flight if its timer expired (`DTLSv1_handle_timeout`).
    public func handleTimeout(now: Double) -> DTLSOutput {
        lastNow = now
        guard phase == .handshaking || phase == .connected else { return finish() }
        ERR_clear_error()
        if cb_DTLSv1_handle_timeout(ssl) < 0 {
            return fail(reason: OpenSSLErrors.drainReason() ?? "dtls_retransmission_limit")
        }
        return finish()
    }

    /// Encrypts one application data record (one SCTP packet). Ignored unless connected.
    public func send(applicationData: [UInt8]) -> DTLSOutput {
        guard phase == .connected, !applicationData.isEmpty else { return finish() }
        ERR_clear_error()
        let written = applicationData.withUnsafeBytes { SSL_write(ssl, $0.baseAddress, Int32($0.count)) }
        if written <= 0 {
            let error = SSL_get_error(ssl, written)
            if error != SSL_ERROR_WANT_READ && error != SSL_ERROR_WANT_WRITE {
                return fail(reason: failureReason(error))
            }
        }
        return finish()
    }

    /// Sends close_notify (if the handshake got that far) and closes the endpoint.
    public func close() -> DTLSOutput {
        guard phase == .handshaking || phase == .connected else { return finish() }
        ERR_clear_error()
        if SSL_is_init_finished(ssl) == 1 { _ = SSL_shutdown(ssl) }
        _ = OpenSSLErrors.drainReason()
        phase = .closed
        isConnected = false
        return finish(event: .closed)
    }

    // MARK: internals

    private func advanceHandshake() -> DTLSOutput {
        ERR_clear_error()
        let result = SSL_do_handshake(ssl)
        if result == 1 { return completeHandshake() }
        let error = SSL_get_error(ssl, result)
        if error == SSL_ERROR_WANT_READ || error == SSL_ERROR_WANT_WRITE { return finish() }
        return fail(reason: failureReason(error))
    }

    private func completeHandshake() -> DTLSOutput {
        // The verify callback already pinned the leaf certificate; check once more on the final peer certificate.
        guard let peer = SSL_get0_peer_certificate(ssl), state.matches(certificate: peer) else {
            return failAfterHandshake(reason: "dtls_fingerprint_mismatch")
        }
        guard let profile = SSL_get_selected_srtp_profile(ssl) else {
            return failAfterHandshake(reason: "dtls_no_srtp_profile")
        }
        let profileID = UInt16(truncatingIfNeeded: profile.pointee.id)
        guard let keys = exportKeyingMaterial(profileID: profileID) else {
            return failAfterHandshake(reason: "dtls_keying_material_export_failed")
        }
        phase = .connected
        isConnected = true
        return finish(event: .connected(keys))
    }

    /// RFC 5764 §4.2: client_write_key | server_write_key | client_write_salt | server_write_salt.
    private func exportKeyingMaterial(profileID: UInt16) -> SRTPKeyingMaterial? {
        let keyLength = 16
        let saltLength: Int
        switch profileID {
        case 0x0007: saltLength = 12  // SRTP_AEAD_AES_128_GCM (RFC 7714)
        case 0x0001: saltLength = 14  // SRTP_AES128_CM_HMAC_SHA1_80 (RFC 5764)
        default: return nil
        }
        let label = "EXTRACTOR-dtls_srtp"
        var material = [UInt8](repeating: 0, count: 2 * (keyLength + saltLength))
        let ok = material.withUnsafeMutableBufferPointer {
            SSL_export_keying_material(ssl, $0.baseAddress, $0.count, label, label.utf8.count, nil, 0, 0)
        }
        guard ok == 1 else { return nil }
        let clientKey = material[0..<keyLength]
        let serverKey = material[keyLength..<2 * keyLength]
        let clientSalt = material[2 * keyLength..<2 * keyLength + saltLength]
        let serverSalt = material[(2 * keyLength + saltLength)...]
        let client = Array(clientKey + clientSalt)
        let server = Array(serverKey + serverSalt)
        return SRTPKeyingMaterial(
            profileID: profileID,
            localMasterKeyAndSalt: role == .client ? client : server,
            remoteMasterKeyAndSalt: role == .client ? server : client)
    }

    private func readRecords() -> DTLSOutput {
        // A buffer only while reading: records are rare once connected, and idle peers are many.
        withUnsafeTemporaryAllocation(byteCount: 16_384 + 2_048, alignment: 16) { readRecords(into: $0) }
    }

    private func readRecords(into buffer: UnsafeMutableRawBufferPointer) -> DTLSOutput {
        var records: [[UInt8]] = []
        while true {
            ERR_clear_error()
            let count = SSL_read(ssl, buffer.baseAddress, Int32(buffer.count))
            if count > 0 {
                records.append(Array(UnsafeRawBufferPointer(rebasing: buffer[0..<Int(count)])))
                continue
            }
            let error = SSL_get_error(ssl, count)
            switch error {
            case SSL_ERROR_WANT_READ, SSL_ERROR_WANT_WRITE:
                return finish(applicationData: records)
            case SSL_ERROR_ZERO_RETURN:  // close_notify received: answer with ours
                _ = SSL_shutdown(ssl)
                _ = OpenSSLErrors.drainReason()
                phase = .closed
                isConnected = false
                return finish(event: .closed, applicationData: records)
            default:
                var output = fail(reason: failureReason(error))
                output.applicationData = records
                return output
            }
        }
    }

    private func failureReason(_ sslError: Int32) -> String {
        let reason = OpenSSLErrors.drainReason()
        if state.fingerprintMismatch { return "dtls_fingerprint_mismatch" }
        return reason ?? "dtls_ssl_error_\(sslError)"
    }

    /// The handshake failed inside OpenSSL, which already queued its alert; send it along.
    private func fail(reason: String) -> DTLSOutput {
        _ = OpenSSLErrors.drainReason()
        phase = .failed
        isConnected = false
        return finish(event: .failed(reason: reason))
    }

    /// OpenSSL finished the handshake but we reject it: tell the peer with close_notify, export nothing.
    private func failAfterHandshake(reason: String) -> DTLSOutput {
        _ = SSL_shutdown(ssl)
        return fail(reason: reason)
    }

    private func finish(event: DTLSEvent? = nil, applicationData: [[UInt8]] = []) -> DTLSOutput {
        var remaining = 0.0
        if (phase == .handshaking || phase == .connected) && cb_DTLSv1_get_timeout(ssl, &remaining) == 1 {
            nextTimeout = lastNow + remaining
        } else {
            nextTimeout = nil
        }
        return DTLSOutput(datagrams: state.takeOutbound(), event: event, applicationData: applicationData)
    }
}
