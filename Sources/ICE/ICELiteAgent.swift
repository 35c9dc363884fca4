public import STUN

public enum ICEState: Sendable, Equatable {
    /// No valid connectivity check yet.
    case new
    /// At least one valid check arrived and consent is fresh.
    case connected
    /// Consent lapsed (RFC 7675): the caller must stop sending media. A later valid check reconnects.
    case disconnected
    /// `close()` was called; every datagram is dropped.
    case closed
}

public enum ICEDropReason: Sendable, Equatable {
    /// Not a parseable STUN message.
    case malformed
    /// STUN, but not a Binding request (responses, indications, other methods).
    case notBindingRequest
    /// USERNAME missing or not "<local ufrag>:<remote ufrag>".
    case wrongUsername
    /// MESSAGE-INTEGRITY missing or not made with the local password.
    case badIntegrity
    /// A FINGERPRINT is present but wrong (or not last).
    case badFingerprint
    /// Reserved: this agent answers a role conflict with a 487 error response instead of dropping it.
    case roleConflict
    /// The agent is closed.
    case closed
}

public enum ICEAction: Sendable, Equatable {
    /// Send `bytes` to `to`. `nominated` is true when the request carried USE-CANDIDATE: the caller switches its
    /// media destination to `to` (the agent's `selectedAddress` already did). The first valid request also sets
    /// `selectedAddress` when there is none, with `nominated` false.
    case respond(bytes: [UInt8], to: TransportAddress, nominated: Bool)
    case drop(ICEDropReason)
}

public enum ICETimerEvent: Sendable, Equatable {
    case consentExpired
}

/// A sans-I/O ICE-lite agent (RFC 8445 §2.5, §7.3) with consent freshness (RFC 7675), always in the controlled role,
/// for one peer with one local host candidate. Bytes and time in, actions out; no sockets, clocks or threads.
///
/// Role conflicts: a lite agent cannot take the controlling role, so a request that carries ICE-CONTROLLED (and not
/// ICE-CONTROLLING) is answered with a 487 (Role Conflict) error response, signed and fingerprinted, returned as
/// `.respond(…, nominated: false)`; it does not refresh consent or select an address. A full agent receiving it
/// switches to controlling and retries (RFC 8445 §7.2.5.1). A request with neither attribute (RFC 5245-era peers)
/// is accepted.
public struct ICELiteAgent: Sendable {
    public private(set) var local: ICECredentials
    public private(set) var remoteUfrag: String
    public var consentTimeout: Double

    public private(set) var state: ICEState = .new
    public private(set) var selectedAddress: TransportAddress?
    /// Monotonic time of the last valid Binding request.
    public private(set) var lastConsent: Double?

    private var key: [UInt8]
    private var expectedUsername: String
    /// After an ICE restart, the credentials before it: the peer's checks of its old generation still pass until
    /// the first valid check with the new ones (RFC 8445 §9: media stays on the selected pair meanwhile).
    private var previous: (ufrag: String, key: [UInt8], username: String)?
    /// The local ufrag of the credentials from before the restart that still pass (nil once the new ones are used).
    public var previousUfrag: String? { previous?.ufrag }

    public init(local: ICECredentials, remoteUfrag: String, consentTimeout: Double = 30) {
        self.local = local
        self.remoteUfrag = remoteUfrag
        self.consentTimeout = consentTimeout
        self.key = Array(local.password.utf8)
        self.expectedUsername = "\(local.ufrag):\(remoteUfrag)"
    }

    /// Handles one STUN datagram from `source` at monotonic time `now` (seconds). Never throws; bad input is a
    /// `.drop(reason)`. Checks, in order: closed, framing, Binding request, FINGERPRINT (if present), USERNAME,
    /// MESSAGE-INTEGRITY, role.
    public mutating func handle(stun bytes: UnsafeRawBufferPointer, from source: TransportAddress,
                                now: Double) -> ICEAction {
        guard state != .closed else { return .drop(.closed) }
        guard STUNMessage.isSTUN(bytes), let request = try? STUNMessage(parsing: bytes) else {
            return .drop(.malformed)
        }
        guard request.type == .bindingRequest else { return .drop(.notBindingRequest) }
        let trusted = request.authenticatedAttributes
        if request.fingerprint != nil, !STUNMessage.verifyFingerprint(bytes) { return .drop(.badFingerprint) }
        var username: String?
        for case .username(let value) in trusted { username = value; break }
        guard let username else { return .drop(.wrongUsername) }
        let (key, current): ([UInt8], Bool)
        if usernameMatches(username) {
            (key, current) = (self.key, true)
        } else if let previous, username.utf8.elementsEqual(previous.username.utf8) {
            (key, current) = (previous.key, false)
        } else {
            return .drop(.wrongUsername)
        }
        guard STUNMessage.verifyIntegrity(bytes, key: key) else { return .drop(.badIntegrity) }
        if current { previous = nil }  // the peer uses the new credentials: the old ones are done

        let controlling = trusted.contains { if case .iceControlling = $0 { true } else { false } }
        let controlled = trusted.contains { if case .iceControlled = $0 { true } else { false } }
        if controlled && !controlling {
            let error = STUNMessage(type: .bindingError, transactionID: request.transactionID,
                                    attributes: [.errorCode(code: 487, reason: "Role Conflict")])
            return .respond(bytes: error.serialize(integrityKey: key, addFingerprint: true), to: source,
                            nominated: false)
        }

        let nominated = trusted.contains(.useCandidate)
        lastConsent = now
        state = .connected
        if nominated || selectedAddress == nil { selectedAddress = source }
        let response = STUNMessage(type: .bindingSuccess, transactionID: request.transactionID,
                                   attributes: [.xorMappedAddress(source)])
        return .respond(bytes: response.serialize(integrityKey: key, addFingerprint: true), to: source,
                        nominated: nominated)
    }

    /// Call periodically (e.g. every second). Returns `.consentExpired` once, when connected and no valid request
    /// arrived for more than `consentTimeout` seconds; the state becomes `.disconnected`.
    public mutating func tick(now: Double) -> ICETimerEvent? {
        guard state == .connected, let last = lastConsent, now - last > consentTimeout else { return nil }
        state = .disconnected
        return .consentExpired
    }

    /// Stops the agent for good; `selectedAddress` is kept for diagnostics.
    public mutating func close() {
        state = .closed
    }

    /// ICE restart (RFC 8445 §9): new local credentials, and the peer's new ufrag. The selected address and consent
    /// carry on, so media keeps flowing while the peer checks again; checks made with the old credentials still pass
    /// until the first valid one with the new.
    public mutating func restart(local: ICECredentials, remoteUfrag: String) {
        guard state != .closed else { return }
        if previous == nil { previous = (self.local.ufrag, key, expectedUsername) }
        self.local = local
        self.remoteUfrag = remoteUfrag
        key = Array(local.password.utf8)
        expectedUsername = "\(local.ufrag):\(remoteUfrag)"
    }

    private func usernameMatches(_ username: String) -> Bool {
        if remoteUfrag.isEmpty {
            // Any remote part, but the local part must match exactly.
            guard let colon = username.utf8.firstIndex(of: UInt8(ascii: ":")) else { return false }
            return username.utf8[..<colon].elementsEqual(local.ufrag.utf8)
        }
        return username.utf8.elementsEqual(expectedUsername.utf8)
    }
}
