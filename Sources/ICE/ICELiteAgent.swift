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
/// for one peer. Bytes and time in, actions out; no sockets, clocks or threads.
///
/// The peer may reach the server from more than one address: a NAT that re-maps it mid-lesson (a router restart, a
/// carrier NAT), or another of its candidate pairs. Every address with a valid check (`checkedAddresses`) may carry
/// its media in; media goes out to `selectedAddress` alone. The selection moves when the peer nominates an address
/// (USE-CANDIDATE), when its authenticated media arrives from another checked address (`mediaArrived`: the peer
/// moved its media, so the answer follows), or when the selected address's consent lapses while another's is fresh.
/// Only a check signed with the ICE password admits an address, so nobody else can steer the media.
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
    /// Monotonic time of the last valid Binding request from the selected address (consent is per pair, RFC 7675).
    public private(set) var lastConsent: Double?
    /// Addresses with a valid check whose consent has not lapsed, the selected one among them, with the time of
    /// their last check; at most `maxCheckedAddresses`, the stalest forgotten first.
    private var checked: [(address: TransportAddress, at: Double)] = []
    /// When the selection last moved by itself (`mediaArrived`): a packet of the old path that comes in late must
    /// not move it back at once.
    private var lastMediaSwitch = -Double.infinity

    public static let maxCheckedAddresses = 4
    /// How long after a move that followed the media another such move waits.
    public static let mediaSwitchHoldOff = 1.0

    /// The addresses the peer's media may come from.
    public var checkedAddresses: [TransportAddress] { checked.map(\.address) }
    /// Changes whenever `checkedAddresses` does, so a caller can tell without comparing lists.
    public private(set) var checkedGeneration = 0
    /// Times the selection moved by itself: after the media (`mediaArrived`) or off a lapsed address (`tick`), not
    /// on a nomination.
    public private(set) var moves = 0

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
        noteCheck(from: source, at: now)
        if nominated || selectedAddress == nil || state == .disconnected { selectedAddress = source }
        if source == selectedAddress { lastConsent = now }
        state = .connected
        let response = STUNMessage(type: .bindingSuccess, transactionID: request.transactionID,
                                   attributes: [.xorMappedAddress(source)])
        return .respond(bytes: response.serialize(integrityKey: key, addFingerprint: true), to: source,
                        nominated: nominated)
    }

    /// Authenticated media (SRTP or SRTCP that unprotected) came from `source`. When that is a checked address
    /// other than the selected one, the peer sends from there now, and the selection follows: returns true.
    /// Called per packet in; the common case is one comparison.
    @inline(__always)
    public mutating func mediaArrived(from source: TransportAddress, now: Double) -> Bool {
        guard source != selectedAddress else { return false }
        return follow(source, now: now)
    }

    private mutating func follow(_ source: TransportAddress, now: Double) -> Bool {
        guard state == .connected, now - lastMediaSwitch >= Self.mediaSwitchHoldOff,
              let entry = checked.first(where: { $0.address == source }) else { return false }
        selectedAddress = source
        lastConsent = entry.at
        lastMediaSwitch = now
        moves += 1
        return true
    }

    /// Call periodically (e.g. every second). Forgets checked addresses whose consent lapsed. When the selected
    /// address's consent lapses, moves to the most recently checked address left, if any; else returns
    /// `.consentExpired` once, and the state becomes `.disconnected`.
    public mutating func tick(now: Double) -> ICETimerEvent? {
        let count = checked.count
        checked.removeAll { now - $0.at > consentTimeout }
        if checked.count != count { checkedGeneration += 1 }
        guard state == .connected, let last = lastConsent, now - last > consentTimeout else { return nil }
        if let freshest = checked.max(by: { $0.at < $1.at }) {
            selectedAddress = freshest.address
            lastConsent = freshest.at
            moves += 1
            return nil
        }
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

    private mutating func noteCheck(from source: TransportAddress, at now: Double) {
        if let index = checked.firstIndex(where: { $0.address == source }) {
            checked[index].at = now
            return
        }
        if checked.count == Self.maxCheckedAddresses,
           let stalest = checked.indices.filter({ checked[$0].address != selectedAddress })
               .min(by: { checked[$0].at < checked[$1].at }) {
            checked.remove(at: stalest)  // never the selected one: its media must keep coming in
        }
        checked.append((source, now))
        checkedGeneration += 1
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
