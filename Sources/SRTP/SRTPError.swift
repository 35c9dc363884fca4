/// An SRTP failure: a libsrtp `srtp_err_status_t` code and the operation that returned it. The OpenSSL engine
/// (AEAD_AES_128_GCM) reports its failures with the same codes, so callers need not know which engine ran.
public struct SRTPError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The libsrtp status code (`srtp_err_status_t`).
    public let code: Int32
    /// What was attempted: "init", "create", "protect_rtp", "unprotect_rtp", "protect_rtcp", "unprotect_rtcp".
    public let operation: String

    public init(code: Int32, operation: String) {
        self.code = code
        self.operation = operation
    }

    // The libsrtp 2.x status codes worth testing for (values of `srtp_err_status_t`).
    public static let badParameterCode: Int32 = 2
    public static let authenticationFailureCode: Int32 = 7
    public static let replayFailureCode: Int32 = 9
    public static let replayTooOldCode: Int32 = 10
    public static let cipherFailureCode: Int32 = 8
    public static let keyExpiredCode: Int32 = 15
    public static let parseErrorCode: Int32 = 21
    /// A new SSRC past `SRTPContext.maxInboundSSRCs`: libsrtp's `alloc_fail`, its code for a stream it cannot add.
    public static let streamLimitCode: Int32 = 3

    /// The packet failed authentication (tampered, wrong key, or not SRTP at all).
    public var isAuthenticationFailure: Bool { code == Self.authenticationFailureCode }
    /// The packet was a replay, or older than the replay window.
    public var isReplay: Bool { code == Self.replayFailureCode || code == Self.replayTooOldCode }
    /// The packet came from a new SSRC, and the session already keeps state for as many as it allows.
    public var isStreamLimit: Bool { code == Self.streamLimitCode }

    public var description: String { "SRTP \(operation) failed: \(Self.name(of: code)) (\(code))" }

    private static func name(of code: Int32) -> String {
        let names = [
            "ok", "fail", "bad_param", "alloc_fail", "dealloc_fail", "init_fail", "terminus", "auth_fail",
            "cipher_fail", "replay_fail", "replay_old", "algo_fail", "no_such_op", "no_ctx", "cant_check",
            "key_expired", "socket_err", "signal_err", "nonce_bad", "read_fail", "write_fail", "parse_err",
            "encode_err", "semaphore_err", "pfkey_err", "bad_mki", "pkt_idx_old", "pkt_idx_adv",
        ]
        return code >= 0 && Int(code) < names.count ? names[Int(code)] : "unknown"
    }
}
