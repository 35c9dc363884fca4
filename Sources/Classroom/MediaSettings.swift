public import DTLS
import SDP

/// Media settings a classroom applies to every peer (from the server config).
public struct MediaSettings: Sendable {
    /// ICE consent timeout: a peer silent this long is removed (seconds).
    public var consentTimeout: Double
    /// The DTLS role answered to an `actpass` offer.
    public var preferredDTLSRole: DTLSRole

    public init(consentTimeout: Double = 30, preferredDTLSRole: DTLSRole = .server) {
        self.consentTimeout = consentTimeout
        self.preferredDTLSRole = preferredDTLSRole
    }
}
