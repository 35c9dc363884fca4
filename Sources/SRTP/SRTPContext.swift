// Why this module binds two C libraries:
// Debian's libsrtp2 is built on NSS, not OpenSSL. In the lecture fan-out profile (BENCHMARKS.md, "What dominates")
// NSS + libsrtp took 47 % of the server's CPU per forwarded packet, and it mallocs ≈ 5 times per GCM protect
// (≈ 14 per AES-CM protect) and takes NSS locks. AES-128-GCM through OpenSSL EVP directly, with one
// EVP_CIPHER_CTX per session keyed once, measured ≈ 1.4 µs per 1200-byte packet against libsrtp's ≈ 1.8 µs in a
// single session (DESIGN §5), far less under fan-out, and allocates nothing. So AEAD_AES_128_GCM (the profile
// ClassBridge prefers) runs on OpenSSL (COpenSSL, already linked for DTLS); libsrtp (CSRTP) keeps serving
// AES_CM_128_HMAC_SHA1_80 and is the reference the GCM engine is tested against. Later the EVP layer's own work per
// packet (a parameter query at each init, the tag through ctrl) proved a quarter of an unprotect, and the engine now
// calls the provider's cipher functions that EVP would call (`ProviderAESGCM`).
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One direction of one SRTP session, keyed for any SSRC of that direction.
///
/// AEAD_AES_128_GCM runs on OpenSSL (`OpenSSLAESGCMSession`), AES_CM_128_HMAC_SHA1_80 on libsrtp. Set the
/// environment variable `CLASSBRIDGE_SRTP_ENGINE=libsrtp` to run GCM on libsrtp too (read once per process).
/// Both engines: replay window 1024 inbound, no replay check outbound (a retransmission may re-protect a sequence
/// number, libsrtp's `allow_repeat_tx`), ROC estimated per SSRC.
///
/// Protect and unprotect work in place on the caller's buffer. The OpenSSL engine allocates nothing per packet (only
/// on the first packet of a new SSRC); Debian's NSS-backed libsrtp mallocs ≈ 5 times per GCM call and ≈ 14 per
/// AES-CM call (measured with a malloc-counting LD_PRELOAD on a plain C loop).
/// Not `Sendable`: a context is owned by the one thread (event loop) that runs its transport.
public final class SRTPContext {
    public enum Direction: Sendable {
        /// Unprotects what the remote peer sent (`ssrc_any_inbound`).
        case inbound
        /// Protects what we send (`ssrc_any_outbound`).
        case outbound
    }

    /// Which implementation transforms the packets.
    enum Engine: Sendable, Equatable {
        /// libsrtp2 (any profile).
        case libsrtp
        /// OpenSSL's AES-128-GCM (AEAD_AES_128_GCM only).
        case openSSL
    }

    public let profile: SRTPProfile
    public let direction: Direction
    let engine: Engine
    /// The engine's session, a stored `let` that each call only borrows. (An enum with the sessions as payloads
    /// copied one out, and retained and released it, around every call: a pair per forwarded copy.)
    private let session: any SRTPSession

    /// The most SSRCs an inbound context keeps state for (a replay window each, for SRTP and for SRTCP). A new SSRC
    /// past it is refused (`SRTPError.isStreamLimit`) and known ones keep working. Only a peer holding the keys can
    /// add one, since state is made after a packet authenticates; a WebRTC peer sends a few (audio, video, their
    /// retransmission and simulcast streams, a receiver's RTCP per m-line), so this only bounds a misbehaving one.
    public static let maxInboundSSRCs = 1024

    /// Room a caller must leave after a packet for `protectRTP` and `protectRTCP`, whatever the profile and engine:
    /// libsrtp's `SRTP_MAX_TRAILER_LEN` (tag + MKI) plus the 4-byte SRTCP index. A smaller slack works as long as
    /// it covers `profile.rtpTrailerLength` / `profile.rtcpTrailerLength`; the methods check it.
    public static let maxTrailerLength: Int = LibSRTPSession.maxTrailerLength + 4

    /// The engine for AEAD_AES_128_GCM: OpenSSL unless `CLASSBRIDGE_SRTP_ENGINE=libsrtp`.
    static let gcmEngine: Engine = {
        guard let value = getenv("CLASSBRIDGE_SRTP_ENGINE") else { return .openSSL }
        return String(cString: value).lowercased() == "libsrtp" ? .libsrtp : .openSSL
    }()

    /// - Parameters:
    ///   - masterKeyAndSalt: master key followed by master salt (`profile.keyLength + profile.saltLength` bytes),
    ///     as DTLS-SRTP exports them (see `SRTPKeyingMaterial` in the DTLS module).
    public convenience init(profile: SRTPProfile, masterKeyAndSalt: [UInt8], direction: Direction) throws(SRTPError) {
        try self.init(profile: profile, masterKeyAndSalt: masterKeyAndSalt, direction: direction,
                      engine: profile == .aeadAES128GCM ? Self.gcmEngine : .libsrtp)
    }

    /// A context on a chosen engine (tests compare the two); `.openSSL` supports AEAD_AES_128_GCM only.
    init(profile: SRTPProfile, masterKeyAndSalt: [UInt8], direction: Direction, engine: Engine) throws(SRTPError) {
        guard masterKeyAndSalt.count == profile.keyLength + profile.saltLength,
              engine == .libsrtp || profile == .aeadAES128GCM
        else { throw SRTPError(code: SRTPError.badParameterCode, operation: "create") }
        switch engine {
        case .libsrtp:
            session = try LibSRTPSession(profile: profile, masterKeyAndSalt: masterKeyAndSalt, direction: direction)
        case .openSSL:
            session = try OpenSSLAESGCMSession(masterKeyAndSalt: masterKeyAndSalt)
        }
        self.profile = profile
        self.direction = direction
        self.engine = engine
    }

    /// Encrypts and authenticates the RTP packet in `buffer[0..<length]` in place.
    /// `buffer.count - length` must be at least `profile.rtpTrailerLength` (leave `maxTrailerLength` to be safe).
    /// - Returns: the SRTP packet's length.
    public func protectRTP(_ buffer: UnsafeMutableRawBufferPointer, length: Int) throws(SRTPError) -> Int {
        let base = try checked(buffer, length: length, slack: profile.rtpTrailerLength, operation: "protect_rtp")
        return try session.protectRTP(base, length: length)
    }

    /// Authenticates, replay-checks and decrypts the SRTP packet in `buffer[0..<length]` in place.
    /// - Returns: the RTP packet's length.
    public func unprotectRTP(_ buffer: UnsafeMutableRawBufferPointer, length: Int) throws(SRTPError) -> Int {
        let base = try checked(buffer, length: length, slack: 0, operation: "unprotect_rtp")
        return try session.unprotectRTP(base, length: length)
    }

    /// Encrypts and authenticates the RTCP compound packet in `buffer[0..<length]` in place.
    /// `buffer.count - length` must be at least `profile.rtcpTrailerLength`.
    public func protectRTCP(_ buffer: UnsafeMutableRawBufferPointer, length: Int) throws(SRTPError) -> Int {
        let base = try checked(buffer, length: length, slack: profile.rtcpTrailerLength, operation: "protect_rtcp")
        return try session.protectRTCP(base, length: length)
    }

    /// Authenticates, replay-checks and decrypts the SRTCP packet in `buffer[0..<length]` in place.
    public func unprotectRTCP(_ buffer: UnsafeMutableRawBufferPointer, length: Int) throws(SRTPError) -> Int {
        let base = try checked(buffer, length: length, slack: 0, operation: "unprotect_rtcp")
        return try session.unprotectRTCP(base, length: length)
    }

    @inline(__always)
    private func checked(
        _ buffer: UnsafeMutableRawBufferPointer, length: Int, slack: Int, operation: String
    ) throws(SRTPError) -> UnsafeMutableRawPointer {
        guard let base = buffer.baseAddress, length >= 0, length <= Int(Int32.max), buffer.count - length >= slack
        else { throw SRTPError(code: SRTPError.badParameterCode, operation: operation) }
        return base
    }
}

/// One direction of one SRTP session, whichever library runs it. `base` has the room `SRTPContext` checked.
protocol SRTPSession: AnyObject {
    func protectRTP(_ base: UnsafeMutableRawPointer, length: Int) throws(SRTPError) -> Int
    func unprotectRTP(_ base: UnsafeMutableRawPointer, length: Int) throws(SRTPError) -> Int
    func protectRTCP(_ base: UnsafeMutableRawPointer, length: Int) throws(SRTPError) -> Int
    func unprotectRTCP(_ base: UnsafeMutableRawPointer, length: Int) throws(SRTPError) -> Int
}

extension LibSRTPSession: SRTPSession {}
extension OpenSSLAESGCMSession: SRTPSession {}
