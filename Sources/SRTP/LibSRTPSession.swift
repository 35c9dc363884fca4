internal import CSRTP
import RTP

/// `srtp_init()` runs exactly once per process, on first use (a Swift global is initialised once, thread-safely).
private let libraryInitStatus: Int32 = Int32(truncatingIfNeeded: srtp_init().rawValue)

/// One libsrtp `srtp_t`: one direction of one SRTP session, keyed for any SSRC of that direction.
///
/// Serves AES_CM_128_HMAC_SHA1_80 (and AEAD_AES_128_GCM when `CLASSBRIDGE_SRTP_ENGINE=libsrtp`); the reference
/// implementation in the tests. This wrapper allocates only for a new inbound SSRC (libsrtp itself allocates per
/// call, see `SRTPContext`).
final class LibSRTPSession {
    /// libsrtp's `SRTP_MAX_TRAILER_LEN` (tag + MKI).
    static let maxTrailerLength: Int = Int(cb_srtp_max_trailer_len())

    private let session: OpaquePointer
    /// Inbound only: the SSRCs libsrtp keeps a stream for (one per SSRC, for SRTP and SRTCP, added when a packet of
    /// a new one authenticates), so that a new one past `SRTPContext.maxInboundSSRCs` is refused before libsrtp
    /// sees it.
    private let inboundSSRCs: SSRCTable<Bool>?

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
        inboundSSRCs = direction == .inbound ? SSRCTable() : nil
    }

    deinit {
        srtp_dealloc(session)
    }

    func protectRTP(_ base: UnsafeMutableRawPointer, length: Int) throws(SRTPError) -> Int {
        try run(base, length: length, operation: "protect_rtp") { srtp_protect($0, $1, $2) }
    }

    func unprotectRTP(_ base: UnsafeMutableRawPointer, length: Int) throws(SRTPError) -> Int {
        let new = try newSSRC(base, length: length, at: 8, operation: "unprotect_rtp")
        let plain = try run(base, length: length, operation: "unprotect_rtp") { srtp_unprotect($0, $1, $2) }
        if let new { inboundSSRCs?[new] = true }
        return plain
    }

    func protectRTCP(_ base: UnsafeMutableRawPointer, length: Int) throws(SRTPError) -> Int {
        try run(base, length: length, operation: "protect_rtcp") { srtp_protect_rtcp($0, $1, $2) }
    }

    func unprotectRTCP(_ base: UnsafeMutableRawPointer, length: Int) throws(SRTPError) -> Int {
        let new = try newSSRC(base, length: length, at: 4, operation: "unprotect_rtcp")
        let plain = try run(base, length: length, operation: "unprotect_rtcp") { srtp_unprotect_rtcp($0, $1, $2) }
        if let new { inboundSSRCs?[new] = true }
        return plain
    }

    /// The packet's SSRC (at byte `offset`) when this inbound session has no stream for it yet; nil when it has
    /// one, for an outbound session, or for a packet too short to name one (libsrtp rejects that). Throws when a
    /// new stream would pass the limit.
    private func newSSRC(_ base: UnsafeMutableRawPointer, length: Int, at offset: Int,
                         operation: String) throws(SRTPError) -> UInt32? {
        guard let inboundSSRCs, length >= offset + 4 else { return nil }
        let ssrc = UInt32(bigEndian: base.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
        guard inboundSSRCs.slot(of: ssrc) == nil else { return nil }
        guard inboundSSRCs.count < SRTPContext.maxInboundSSRCs else {
            throw SRTPError(code: SRTPError.streamLimitCode, operation: operation)
        }
        return ssrc
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
