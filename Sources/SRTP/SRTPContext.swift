internal import CSRTP

/// `srtp_init()` runs exactly once per process, on first use (a Swift global is initialised once, thread-safely).
private let libraryInitStatus: Int32 = Int32(truncatingIfNeeded: srtp_init().rawValue)

/// One direction of one SRTP session (libsrtp `srtp_t`), keyed for any SSRC of that direction.
///
/// Protect and unprotect work in place on the caller's buffer; this wrapper allocates nothing per call. (Debian's
/// NSS-backed libsrtp itself mallocs ≈ 5 times per GCM call and ≈ 14 per AES-CM call, measured here with a
/// malloc-counting LD_PRELOAD on a plain C loop — one more reason to prefer GCM, or OpenSSL EVP later.)
/// Not `Sendable`: a context is owned by the one thread (event loop) that runs its transport.
public final class SRTPContext {
    public enum Direction: Sendable {
        /// Unprotects what the remote peer sent (`ssrc_any_inbound`).
        case inbound
        /// Protects what we send (`ssrc_any_outbound`).
        case outbound
    }

    public let profile: SRTPProfile
    public let direction: Direction
    private let session: OpaquePointer

    /// Room a caller must leave after a packet for `protectRTP` and `protectRTCP`, whatever the profile:
    /// libsrtp's `SRTP_MAX_TRAILER_LEN` (tag + MKI) plus the 4-byte SRTCP index. A smaller slack works as long as
    /// it covers `profile.rtpTrailerLength` / `profile.rtcpTrailerLength`; the methods check it.
    public static let maxTrailerLength: Int = Int(cb_srtp_max_trailer_len()) + 4

    /// - Parameters:
    ///   - masterKeyAndSalt: master key followed by master salt (`profile.keyLength + profile.saltLength` bytes),
    ///     as DTLS-SRTP exports them (see `SRTPKeyingMaterial` in the DTLS module).
    /// Replay window 1024; `allow_repeat_tx` on, so a retransmission may re-protect a sequence number.
    public init(profile: SRTPProfile, masterKeyAndSalt: [UInt8], direction: Direction) throws(SRTPError) {
        guard libraryInitStatus == 0 else { throw SRTPError(code: libraryInitStatus, operation: "init") }
        guard masterKeyAndSalt.count == profile.keyLength + profile.saltLength else {
            throw SRTPError(code: SRTPError.badParameterCode, operation: "create")
        }
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
        self.profile = profile
        self.direction = direction
    }

    deinit {
        srtp_dealloc(session)
    }

    /// Encrypts and authenticates the RTP packet in `buffer[0..<length]` in place.
    /// `buffer.count - length` must be at least `profile.rtpTrailerLength` (leave `maxTrailerLength` to be safe).
    /// - Returns: the SRTP packet's length.
    public func protectRTP(_ buffer: UnsafeMutableRawBufferPointer, length: Int) throws(SRTPError) -> Int {
        try run(buffer, length: length, slack: profile.rtpTrailerLength, operation: "protect_rtp") {
            srtp_protect($0, $1, $2)
        }
    }

    /// Authenticates, replay-checks and decrypts the SRTP packet in `buffer[0..<length]` in place.
    /// - Returns: the RTP packet's length.
    public func unprotectRTP(_ buffer: UnsafeMutableRawBufferPointer, length: Int) throws(SRTPError) -> Int {
        try run(buffer, length: length, slack: 0, operation: "unprotect_rtp") { srtp_unprotect($0, $1, $2) }
    }

    /// Encrypts and authenticates the RTCP compound packet in `buffer[0..<length]` in place.
    /// `buffer.count - length` must be at least `profile.rtcpTrailerLength`.
    public func protectRTCP(_ buffer: UnsafeMutableRawBufferPointer, length: Int) throws(SRTPError) -> Int {
        try run(buffer, length: length, slack: profile.rtcpTrailerLength, operation: "protect_rtcp") {
            srtp_protect_rtcp($0, $1, $2)
        }
    }

    /// Authenticates, replay-checks and decrypts the SRTCP packet in `buffer[0..<length]` in place.
    public func unprotectRTCP(_ buffer: UnsafeMutableRawBufferPointer, length: Int) throws(SRTPError) -> Int {
        try run(buffer, length: length, slack: 0, operation: "unprotect_rtcp") { srtp_unprotect_rtcp($0, $1, $2) }
    }

    @inline(__always)
    private func run(
        _ buffer: UnsafeMutableRawBufferPointer, length: Int, slack: Int, operation: String,
        _ body: (OpaquePointer, UnsafeMutableRawPointer, UnsafeMutablePointer<Int32>) -> srtp_err_status_t
    ) throws(SRTPError) -> Int {
        guard let base = buffer.baseAddress, length >= 0, length <= Int(Int32.max),
              buffer.count - length >= slack
        else { throw SRTPError(code: SRTPError.badParameterCode, operation: operation) }
        var cLength = Int32(length)
        let status = body(session, base, &cLength)
        guard status == srtp_err_status_ok else {
            throw SRTPError(code: Int32(truncatingIfNeeded: status.rawValue), operation: operation)
        }
        return Int(cLength)
    }
}
