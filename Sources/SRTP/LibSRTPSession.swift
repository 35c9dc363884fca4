internal import CSRTP

/// `srtp_init()` runs exactly once per process, on first use (a Swift global is initialised once, thread-safely).
private let libraryInitStatus: Int32 = Int32(truncatingIfNeeded: srtp_init().rawValue)

/// One libsrtp `srtp_t`: one direction of one SRTP session, keyed for any SSRC of that direction.
///
/// Serves AES_CM_128_HMAC_SHA1_80 (and AEAD_AES_128_GCM when `CLASSBRIDGE_SRTP_ENGINE=libsrtp`); the reference
/// implementation in the tests. This wrapper allocates nothing per call (libsrtp itself does, see `SRTPContext`).
final class LibSRTPSession {
    /// libsrtp's `SRTP_MAX_TRAILER_LEN` (tag + MKI).
    static let maxTrailerLength: Int = Int(cb_srtp_max_trailer_len())

    private let session: OpaquePointer

    /// Replay window 1024; `allow_repeat_tx` on, so a retransmission may re-protect a sequence number.
    init(profile: SRTPProfile, masterKeyAndSalt: [UInt8], direction: SRTPContext.Direction) throws(SRTPError) {
        guard libraryInitStatus == 0 else { throw SRTPError(code: libraryInitStatus, operation: "init") }
        var policy = srtp_policy_t()
        switch profile {
        case .aeadAES128GCM:
            srtp_crypto_policy_set_aes_gcm_128_16_auth(&policy.rtp)
            srtp_crypto_policy_set_aes_gcm_128_16_auth(&policy.rtcp)
        case .aes128CMHMACSHA1_80:
            cb_srtp_policy_set_aes_cm_128_hmac_sha1_80(&policy.rtp)
            srtp_crypto_policy_set_rtcp_default(&policy.rtcp)
        }
        switch direction {
        case .inbound: policy.ssrc.type = ssrc_any_inbound
        case .outbound: policy.ssrc.type = ssrc_any_outbound
        }
        policy.window_size = 1024
        policy.allow_repeat_tx = 1
        policy.next = nil

        var key = masterKeyAndSalt  // libsrtp copies the key during srtp_create
        var created: OpaquePointer? = nil
        let status = key.withUnsafeMutableBufferPointer { keyBuffer in
            policy.key = keyBuffer.baseAddress
            return srtp_create(&created, &policy)
        }
        for index in key.indices { key[index] = 0 }
        guard status == srtp_err_status_ok, let created else {
            throw SRTPError(code: Int32(truncatingIfNeeded: status.rawValue), operation: "create")
        }
        self.session = created
    }

    deinit {
        srtp_dealloc(session)
    }

    func protectRTP(_ base: UnsafeMutableRawPointer, length: Int) throws(SRTPError) -> Int {
        try run(base, length: length, operation: "protect_rtp") { srtp_protect($0, $1, $2) }
    }

    func unprotectRTP(_ base: UnsafeMutableRawPointer, length: Int) throws(SRTPError) -> Int {
        try run(base, length: length, operation: "unprotect_rtp") { srtp_unprotect($0, $1, $2) }
    }

    func protectRTCP(_ base: UnsafeMutableRawPointer, length: Int) throws(SRTPError) -> Int {
        try run(base, length: length, operation: "protect_rtcp") { srtp_protect_rtcp($0, $1, $2) }
    }

    func unprotectRTCP(_ base: UnsafeMutableRawPointer, length: Int) throws(SRTPError) -> Int {
        try run(base, length: length, operation: "unprotect_rtcp") { srtp_unprotect_rtcp($0, $1, $2) }
    }

    /// The caller (`SRTPContext`) has checked `length` and the room after it.
    @inline(__always)
    private func run(
        _ base: UnsafeMutableRawPointer, length: Int, operation: String,
        _ body: (OpaquePointer, UnsafeMutableRawPointer, UnsafeMutablePointer<Int32>) -> srtp_err_status_t
    ) throws(SRTPError) -> Int {
        var cLength = Int32(length)
        let status = body(session, base, &cLength)
        guard status == srtp_err_status_ok else {
            throw SRTPError(code: Int32(truncatingIfNeeded: status.rawValue), operation: operation)
        }
        return Int(cLength)
    }
}
