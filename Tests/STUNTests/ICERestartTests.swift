import Testing
import STUN
import ICE

/// ICE restart on the lite side (RFC 8445 §9): new credentials, while media stays on the selected pair.
@Suite struct ICERestartTests {
    typealias Base = ICELiteAgentTests
    static let fresh = ICECredentials(ufrag: "newU", password: "aNewServerPasswordOf24ch")
    static let elsewhere = TransportAddress(string: "10.0.0.7", port: 40000)!

    static func connected() -> ICELiteAgent {
        var agent = Base.agent()
        _ = Base.request(useCandidate: true).withUnsafeBytes { agent.handle(stun: $0, from: Base.browser, now: 10) }
        return agent
    }

    static func accepted(_ agent: inout ICELiteAgent, _ request: [UInt8], from source: TransportAddress = Base.browser,
                         now: Double) -> Bool {
        if case .respond = request.withUnsafeBytes({ agent.handle(stun: $0, from: source, now: now) }) { return true }
        return false
    }

    @Test func theSelectedAddressAndConsentCarryOn() {
        var agent = Self.connected()
        agent.restart(local: Self.fresh, remoteUfrag: "br2z")
        #expect(agent.local == Self.fresh)
        #expect(agent.state == .connected)
        #expect(agent.selectedAddress == Base.browser)
        #expect(agent.lastConsent == 10)
        #expect(agent.tick(now: 39) == nil, "consent runs from the last check before the restart")
    }

    @Test func checksWithTheNewCredentialsPassAndMayMoveTheMedia() throws {
        var agent = Self.connected()
        agent.restart(local: Self.fresh, remoteUfrag: "br2z")
        let check = Base.request(username: "newU:br2z", password: Self.fresh.password, useCandidate: true)
        let action = check.withUnsafeBytes { agent.handle(stun: $0, from: Self.elsewhere, now: 11) }
        guard case .respond(let bytes, let to, let nominated) = action else {
            Issue.record("expected a response, got \(action)")
            return
        }
        #expect(to == Self.elsewhere && nominated)
        #expect(agent.selectedAddress == Self.elsewhere)
        bytes.withUnsafeBytes { #expect(STUNMessage.verifyIntegrity($0, key: Array(Self.fresh.password.utf8))) }
        // Signed with the old password under the new username: not accepted.
        let forged = Base.request(username: "newU:br2z", password: Base.local.password)
        #expect(forged.withUnsafeBytes { agent.handle(stun: $0, from: Base.browser, now: 12) } == .drop(.badIntegrity))
    }

    @Test func theOldCredentialsPassUntilTheFirstCheckWithTheNew() throws {
        var agent = Self.connected()
        agent.restart(local: Self.fresh, remoteUfrag: "br2z")
        // The peer's old generation still checks the old pair, signed and answered with the old password.
        let old = Base.request()
        let action = old.withUnsafeBytes { agent.handle(stun: $0, from: Base.browser, now: 11) }
        guard case .respond(let bytes, _, _) = action else {
            Issue.record("expected a response, got \(action)")
            return
        }
        bytes.withUnsafeBytes { #expect(STUNMessage.verifyIntegrity($0, key: Array(Base.local.password.utf8))) }
        #expect(agent.lastConsent == 11)

        #expect(Self.accepted(&agent, Base.request(username: "newU:br2z", password: Self.fresh.password), now: 12))
        #expect(Base.request().withUnsafeBytes { agent.handle(stun: $0, from: Base.browser, now: 13) }
                == .drop(.wrongUsername))
    }

    @Test func aSecondRestartBeforeAnyNewCheckKeepsTheCredentialsInUse() {
        var agent = Self.connected()
        agent.restart(local: Self.fresh, remoteUfrag: "br2z")
        agent.restart(local: ICECredentials(ufrag: "thrd", password: "theThirdPasswordIs24chrs"), remoteUfrag: "br3z")
        #expect(Self.accepted(&agent, Base.request(), now: 11), "the pair in use checks with the first credentials")
        #expect(!Self.accepted(&agent, Base.request(username: "newU:br2z", password: Self.fresh.password), now: 12))
        #expect(Self.accepted(&agent, Base.request(username: "thrd:br3z", password: "theThirdPasswordIs24chrs"), now: 13))
    }

    @Test func aClosedAgentStaysClosed() {
        var agent = Self.connected()
        agent.close()
        agent.restart(local: Self.fresh, remoteUfrag: "br2z")
        #expect(agent.state == .closed)
        #expect(agent.local == Base.local)
    }
}
