/// The SRTP protection profiles ClassBridge negotiates over DTLS-SRTP (RFC 5764 §4.1.2, RFC 7714 §14.2).
///
/// `aeadAES128GCM` is preferred: with Debian's NSS-backed libsrtp it costs ≈ 1.8 µs per 1200-byte packet against
/// ≈ 9–12 µs for AES-CM + HMAC-SHA1 (DESIGN §5); `SRTPContext` runs it on OpenSSL instead (≈ 1.4 µs, no malloc).
public enum SRTPProfile: Sendable, Equatable, CustomStringConvertible {
    /// AEAD_AES_128_GCM (RFC 7714): 16-byte key, 12-byte salt, 16-byte tag. DTLS-SRTP id 0x0007.
    case aeadAES128GCM
    /// AES_CM_128_HMAC_SHA1_80 (RFC 3711): 16-byte key, 14-byte salt, 10-byte tag. DTLS-SRTP id 0x0001.
    case aes128CMHMACSHA1_80

    /// The profile for a DTLS-SRTP protection profile id, or nil if ClassBridge does not support it.
    public init?(dtlsProfileID: UInt16) {
        switch dtlsProfileID {
        case 0x0007: self = .aeadAES128GCM
        case 0x0001: self = .aes128CMHMACSHA1_80
        default: return nil
        }
    }

    /// The DTLS-SRTP protection profile id (RFC 5764 / RFC 7714).
    public var dtlsProfileID: UInt16 {
        switch self {
        case .aeadAES128GCM: 0x0007
        case .aes128CMHMACSHA1_80: 0x0001
        }
    }

    /// Master key length in bytes.
    public var keyLength: Int { 16 }

    /// Master salt length in bytes.
    public var saltLength: Int {
        switch self {
        case .aeadAES128GCM: 12
        case .aes128CMHMACSHA1_80: 14
        }
    }

    /// Bytes `protectRTP` appends (authentication tag; no MKI).
    public var rtpTrailerLength: Int {
        switch self {
        case .aeadAES128GCM: 16
        case .aes128CMHMACSHA1_80: 10
        }
    }

    /// Bytes `protectRTCP` appends (SRTCP index + E flag, then the tag; no MKI).
    public var rtcpTrailerLength: Int { rtpTrailerLength + 4 }

    public var description: String {
        switch self {
        case .aeadAES128GCM: "AEAD_AES_128_GCM"
        case .aes128CMHMACSHA1_80: "AES_CM_128_HMAC_SHA1_80"
        }
    }
}
