/// Which side of the DTLS handshake this endpoint plays (from SDP `a=setup`: active = client, passive = server).
public enum DTLSRole: Sendable {
    case client
    case server
}

/// The record layer's content types (RFC 6347 §4.1, RFC 5246 §6.2.1) as far as a caller needs to tell them apart
/// without the association's state.
public enum DTLSRecord {
    /// True when `datagram` starts with an alert record (content type 21): once connected, a DTLS-SRTP peer sends
    /// nothing else, and its close_notify is one.
    public static func startsWithAlert(_ datagram: UnsafeRawBufferPointer) -> Bool {
        datagram.count >= 13 && datagram[0] == 21  // 13: the DTLS record header
    }
}

/// SRTP master keys and salts exported from a finished DTLS-SRTP handshake (RFC 5764 §4.2).
///
/// The exporter output is `client_key | server_key | client_salt | server_salt`; `local` is the half this endpoint
/// protects with (its own role's key + salt), `remote` the half it unprotects with. Each is key followed by salt,
/// ready for `SRTPContext(profile:masterKeyAndSalt:direction:)`.
public struct SRTPKeyingMaterial: Sendable, Equatable {
    /// The negotiated DTLS-SRTP protection profile id: 0x0007 AEAD_AES_128_GCM, 0x0001 AES128_CM_HMAC_SHA1_80.
    public var profileID: UInt16
    public var localMasterKeyAndSalt: [UInt8]
    public var remoteMasterKeyAndSalt: [UInt8]

    public init(profileID: UInt16, localMasterKeyAndSalt: [UInt8], remoteMasterKeyAndSalt: [UInt8]) {
        self.profileID = profileID
        self.localMasterKeyAndSalt = localMasterKeyAndSalt
        self.remoteMasterKeyAndSalt = remoteMasterKeyAndSalt
    }
}

/// A change of the endpoint's state, reported at most once per call.
public enum DTLSEvent: Sendable, Equatable {
    /// The handshake finished, the peer's certificate matched the expected fingerprint, keys are exported.
    case connected(SRTPKeyingMaterial)
    /// The handshake or the connection failed; the endpoint is dead. `reason` is "dtls_fingerprint_mismatch",
    /// "dtls_no_srtp_profile", "dtls_keying_material_export_failed", "dtls_retransmission_limit", or OpenSSL's
    /// error reason (e.g. "sslv3 alert bad certificate" when the peer rejected our certificate).
    case failed(reason: String)
    /// close_notify was sent or received; the endpoint is closed.
    case closed
}

/// What one call produced: datagrams to send to the peer (in order), at most one event, and decrypted
/// application data records (for SCTP).
public struct DTLSOutput: Sendable, Equatable {
    public var datagrams: [[UInt8]]
    public var event: DTLSEvent?
    public var applicationData: [[UInt8]]

    public init(datagrams: [[UInt8]] = [], event: DTLSEvent? = nil, applicationData: [[UInt8]] = []) {
        self.datagrams = datagrams
        self.event = event
        self.applicationData = applicationData
    }
}

/// Setup failures (certificate generation, OpenSSL context creation, a malformed remote fingerprint).
public struct DTLSError: Error, CustomStringConvertible, Sendable, Equatable {
    public let reason: String
    public init(reason: String) { self.reason = reason }
    public var description: String { "DTLS error: \(reason)" }
}
