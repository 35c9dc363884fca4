import Testing
import STUN
import ICE

@Suite struct ICELiteAgentTests {
    static let local = ICECredentials(ufrag: "srvU", password: "serverPasswordIs24Chars+")
    static let remoteUfrag = "brwz"
    static let browser = TransportAddress(string: "192.168.1.20", port: 54321)!

    /// What a browser sends: a Binding request signed with the server's password.
    static func request(username: String = "srvU:brwz", password: String = ICELiteAgentTests.local.password,
                        attributes: [STUNAttribute] = [.priority(0x6E00_01FF), .iceControlling(0xABCD)],
                        useCandidate: Bool = false, fingerprint: Bool = true,
                        id: [UInt8] = STUNMessage.randomTransactionID()) -> [UInt8] {
        var attributes = [STUNAttribute.username(username)] + attributes
        if useCandidate { attributes.append(.useCandidate) }
        return STUNMessage(type: .bindingRequest, transactionID: id, attributes: attributes)
            .serialize(integrityKey: Array(password.utf8), addFingerprint: fingerprint)
    }

    static func agent() -> ICELiteAgent {
        ICELiteAgent(local: local, remoteUfrag: remoteUfrag, consentTimeout: 30)
    }

    @Test func answersAValidRequest() throws {
        var agent = Self.agent()
        let id = STUNMessage.randomTransactionID()
        let action = Self.request(id: id).withUnsafeBytes { agent.handle(stun: $0, from: Self.browser, now: 10) }
        guard case .respond(let bytes, let to, let nominated) = action else {
            Issue.record("expected a response, got \(action)")
            return
        }
        #expect(to == Self.browser)
        #expect(!nominated)
        let response = try STUNMessage(parsing: bytes)
        #expect(response.type == .bindingSuccess)
        #expect(response.transactionID == id)
        #expect(response.xorMappedAddress == Self.browser)
        bytes.withUnsafeBytes { raw in
            #expect(STUNMessage.verifyIntegrity(raw, key: Array(Self.local.password.utf8)))
            #expect(STUNMessage.verifyFingerprint(raw))
        }
        #expect(agent.state == .connected)
        #expect(agent.lastConsent == 10)
        #expect(agent.selectedAddress == Self.browser)
    }

    @Test func ipv6SourceIsMapped() throws {
        var agent = Self.agent()
        let source = try #require(TransportAddress(string: "2001:db8::7", port: 3478))
        let action = Self.request().withUnsafeBytes { agent.handle(stun: $0, from: source, now: 0) }
        guard case .respond(let bytes, _, _) = action else { Issue.record("\(action)"); return }
        #expect(try STUNMessage(parsing: bytes).xorMappedAddress == source)
    }

    static let dropCases: [([UInt8], ICEDropReason)] = [
        (request(password: "wrongPasswordIs24Chars++"), .badIntegrity),
        (request(username: "nope:brwz"), .wrongUsername),
        (request(username: "srvU:other"), .wrongUsername),
        (request(username: "srvU"), .wrongUsername),
        (request(username: "srvUx:brwz"), .wrongUsername),
        (STUNMessage(type: .bindingRequest, transactionID: Array(0..<12), attributes: [.username("srvU:brwz")])
            .serialize(addFingerprint: true), .badIntegrity),
        (STUNMessage(type: .bindingRequest, transactionID: Array(0..<12), attributes: [.iceControlling(1)])
            .serialize(integrityKey: Array(local.password.utf8)), .wrongUsername),
        (STUNMessage(type: .bindingIndication, transactionID: Array(0..<12)).serialize(addFingerprint: true),
         .notBindingRequest),
        (STUNMessage(type: .bindingSuccess, transactionID: Array(0..<12)).serialize(), .notBindingRequest),
        ([0x16, 0xFE, 0xFD] + [UInt8](repeating: 0, count: 30), .malformed),
        ([], .malformed),
    ]

    @Test(arguments: ICELiteAgentTests.dropCases)
    func dropsInvalidRequests(bytes: [UInt8], reason: ICEDropReason) {
        var agent = Self.agent()
        let action = bytes.withUnsafeBytes { agent.handle(stun: $0, from: Self.browser, now: 1) }
        #expect(action == .drop(reason))
        #expect(agent.state == .new)
        #expect(agent.lastConsent == nil)
        #expect(agent.selectedAddress == nil)
    }

    @Test func badFingerprintIsDropped() {
        var bytes = Self.request()
        bytes[bytes.count - 1] ^= 0xFF
        var agent = Self.agent()
        #expect(bytes.withUnsafeBytes { agent.handle(stun: $0, from: Self.browser, now: 1) } == .drop(.badFingerprint))
        // A request without FINGERPRINT is accepted (it is only checked when present).
        let plain = Self.request(fingerprint: false)
        guard case .respond = plain.withUnsafeBytes({ agent.handle(stun: $0, from: Self.browser, now: 1) }) else {
            Issue.record("request without FINGERPRINT was not answered")
            return
        }
    }

    @Test func emptyRemoteUfragAcceptsAnyRemotePart() {
        var agent = ICELiteAgent(local: Self.local, remoteUfrag: "", consentTimeout: 30)
        let ok = Self.request(username: "srvU:whatever").withUnsafeBytes {
            agent.handle(stun: $0, from: Self.browser, now: 0)
        }
        guard case .respond = ok else { Issue.record("\(ok)"); return }
        let bad = Self.request(username: "srv:U").withUnsafeBytes { agent.handle(stun: $0, from: Self.browser, now: 0) }
        #expect(bad == .drop(.wrongUsername))
    }

    @Test func useCandidateNominates() {
        var agent = Self.agent()
        let first = Self.browser
        let second = TransportAddress(string: "10.0.0.5", port: 40000)!
        _ = Self.request().withUnsafeBytes { agent.handle(stun: $0, from: first, now: 0) }
        #expect(agent.selectedAddress == first)
        // A plain check from another address does not move the selection…
        let plain = Self.request().withUnsafeBytes { agent.handle(stun: $0, from: second, now: 1) }
        guard case .respond(_, second, false) = plain else { Issue.record("\(plain)"); return }
        #expect(agent.selectedAddress == first)
        // …a nominating one does.
        let nominating = Self.request(useCandidate: true).withUnsafeBytes {
            agent.handle(stun: $0, from: second, now: 2)
        }
        guard case .respond(_, second, true) = nominating else { Issue.record("\(nominating)"); return }
        #expect(agent.selectedAddress == second)
    }

    @Test func roleConflictGets487() throws {
        var agent = Self.agent()
        let id = STUNMessage.randomTransactionID()
        let bytes = Self.request(attributes: [.priority(1), .iceControlled(5)], useCandidate: true, id: id)
        let action = bytes.withUnsafeBytes { agent.handle(stun: $0, from: Self.browser, now: 0) }
        guard case .respond(let reply, Self.browser, false) = action else { Issue.record("\(action)"); return }
        let response = try STUNMessage(parsing: reply)
        #expect(response.type == .bindingError)
        #expect(response.transactionID == id)
        #expect(response.errorCode?.code == 487)
        reply.withUnsafeBytes { #expect(STUNMessage.verifyIntegrity($0, key: Array(Self.local.password.utf8))) }
        #expect(agent.state == .new)
        #expect(agent.selectedAddress == nil)
    }

    /// RFC 5769 §2.1 is a request from a *controlled* agent (ICE-CONTROLLED): a lite agent answers 487.
    @Test func rfc5769SampleRequestIsARoleConflict() throws {
        var agent = ICELiteAgent(local: ICECredentials(ufrag: "evtj", password: "VOkJxbRl1RmTxUk/WvJxBt"),
                                 remoteUfrag: "h6vY", consentTimeout: 30)
        let action = RFC5769Tests.sampleRequest.withUnsafeBytes { agent.handle(stun: $0, from: Self.browser, now: 0) }
        guard case .respond(let reply, _, false) = action else { Issue.record("\(action)"); return }
        let response = try STUNMessage(parsing: reply)
        #expect(response.errorCode?.code == 487)
        #expect(response.transactionID == RFC5769Tests.transactionID)
    }

    /// USE-CANDIDATE appended after MESSAGE-INTEGRITY is not covered by it and must not nominate.
    @Test func useCandidateAfterIntegrityIsIgnored() {
        var agent = Self.agent()
        _ = Self.request().withUnsafeBytes { agent.handle(stun: $0, from: Self.browser, now: 0) }
        var forged = Self.request(fingerprint: false)
        forged += [0x00, 0x25, 0x00, 0x00]  // USE-CANDIDATE, length 0
        forged[3] += 4
        let other = TransportAddress(ip: .v4(0x0A00_0009), port: 9)
        let action = forged.withUnsafeBytes { agent.handle(stun: $0, from: other, now: 1) }
        guard case .respond(_, other, false) = action else { Issue.record("\(action)"); return }
        #expect(agent.selectedAddress == Self.browser)
    }

    @Test func consentExpiresOnceAtTheRightTime() {
        var agent = Self.agent()
        #expect(agent.tick(now: 1_000) == nil)  // never connected: nothing to expire
        _ = Self.request().withUnsafeBytes { agent.handle(stun: $0, from: Self.browser, now: 100) }
        #expect(agent.tick(now: 124) == nil)
        _ = Self.request().withUnsafeBytes { agent.handle(stun: $0, from: Self.browser, now: 125) }  // refresh
        #expect(agent.tick(now: 154.9) == nil)
        #expect(agent.tick(now: 155) == nil)  // exactly the timeout: not yet
        #expect(agent.state == .connected)
        #expect(agent.tick(now: 155.1) == .consentExpired)
        #expect(agent.state == .disconnected)
        #expect(agent.tick(now: 156) == nil)
        #expect(agent.tick(now: 500) == nil)
        // A fresh valid check reconnects, and the timer can fire again later.
        _ = Self.request().withUnsafeBytes { agent.handle(stun: $0, from: Self.browser, now: 600) }
        #expect(agent.state == .connected)
        #expect(agent.tick(now: 631) == .consentExpired)
    }

    @Test func invalidRequestsDoNotRefreshConsent() {
        var agent = Self.agent()
        _ = Self.request().withUnsafeBytes { agent.handle(stun: $0, from: Self.browser, now: 0) }
        _ = Self.request(password: "x").withUnsafeBytes { agent.handle(stun: $0, from: Self.browser, now: 20) }
        #expect(agent.lastConsent == 0)
        #expect(agent.tick(now: 31) == .consentExpired)
    }

    @Test func closeDropsEverything() {
        var agent = Self.agent()
        agent.close()
        #expect(agent.state == .closed)
        #expect(Self.request().withUnsafeBytes { agent.handle(stun: $0, from: Self.browser, now: 0) } == .drop(.closed))
        #expect(agent.tick(now: 1_000) == nil)
    }

    @Test func localUfragForRouting() {
        Self.request(username: "abc:def").withUnsafeBytes { #expect(stunLocalUfrag($0) == "abc") }
        Self.request(username: "nocolon").withUnsafeBytes { #expect(stunLocalUfrag($0) == nil) }
        STUNMessage(type: .bindingSuccess, transactionID: Array(0..<12), attributes: [.username("a:b")]).serialize()
            .withUnsafeBytes { #expect(stunLocalUfrag($0) == nil) }
        [UInt8](repeating: 0, count: 10).withUnsafeBytes { #expect(stunLocalUfrag($0) == nil) }
    }

    @Test func randomCredentials() {
        let allowed = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
        let a = ICECredentials.random(), b = ICECredentials.random()
        #expect(a.ufrag.count == 8)
        #expect(a.password.count == 24)
        #expect(a.ufrag.allSatisfy(allowed.contains) && a.password.allSatisfy(allowed.contains))
        #expect(a != b)
    }
}
