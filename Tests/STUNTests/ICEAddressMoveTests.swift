import Testing
import STUN
import ICE

/// A peer that reaches the server from a new address mid-lesson (a NAT re-mapped it, or it switched pairs): every
/// address with a valid check may carry its media in, and the media out follows its media in.
@Suite struct ICEAddressMoveTests {
    static let old = ICELiteAgentTests.browser
    static let new = TransportAddress(string: "192.168.1.20", port: 61000)!
    static let other = TransportAddress(string: "2001:db8::20", port: 61000)!

    static func check(_ agent: inout ICELiteAgent, from source: TransportAddress, at now: Double,
                      useCandidate: Bool = false) {
        let action = ICELiteAgentTests.request(useCandidate: useCandidate).withUnsafeBytes {
            agent.handle(stun: $0, from: source, now: now)
        }
        guard case .respond = action else { Issue.record("\(action)"); return }
    }

    /// `mediaArrived`, outside `#expect` (which cannot take a mutating call).
    static func moved(_ agent: inout ICELiteAgent, from source: TransportAddress, now: Double) -> Bool {
        agent.mediaArrived(from: source, now: now)
    }

    /// Selected `old` at 0, then a plain check from `new` at 5.
    static func agentWithTwoAddresses() -> ICELiteAgent {
        var agent = ICELiteAgentTests.agent()  // consent timeout 30 s
        check(&agent, from: old, at: 0)
        check(&agent, from: new, at: 5)
        return agent
    }

    @Test func everyCheckedAddressIsKnownButOnlyOneIsSelected() {
        let agent = Self.agentWithTwoAddresses()
        #expect(agent.checkedAddresses == [Self.old, Self.new])
        #expect(agent.selectedAddress == Self.old)
        #expect(agent.lastConsent == 0, "consent is the selected address's: the check from elsewhere is not it")
    }

    @Test func mediaFromAnotherCheckedAddressMovesTheSelection() {
        var agent = Self.agentWithTwoAddresses()
        #expect(!Self.moved(&agent, from: Self.old, now: 6))
        #expect(Self.moved(&agent, from: Self.new, now: 7))
        #expect(agent.selectedAddress == Self.new)
        #expect(agent.lastConsent == 5)
    }

    @Test func mediaFromAnAddressWithoutACheckMovesNothing() {
        var agent = Self.agentWithTwoAddresses()
        #expect(!Self.moved(&agent, from: Self.other, now: 6))
        #expect(agent.selectedAddress == Self.old)
    }

    /// A packet of the old path that arrives after the first of the new must not move the media back.
    @Test func aLatePacketOfTheOldPathDoesNotMoveItBack() {
        var agent = Self.agentWithTwoAddresses()
        #expect(Self.moved(&agent, from: Self.new, now: 7))
        #expect(!Self.moved(&agent, from: Self.old, now: 7.01))
        #expect(agent.selectedAddress == Self.new)
        // After the hold-off the peer may move back, e.g. to a pair it switched back to.
        #expect(Self.moved(&agent, from: Self.old, now: 7 + ICELiteAgent.mediaSwitchHoldOff))
        #expect(agent.selectedAddress == Self.old)
    }

    @Test func aNominationMovesTheSelectionAtOnce() {
        var agent = Self.agentWithTwoAddresses()
        #expect(Self.moved(&agent, from: Self.new, now: 7))
        Self.check(&agent, from: Self.old, at: 7.1, useCandidate: true)
        #expect(agent.selectedAddress == Self.old)
        #expect(agent.lastConsent == 7.1)
    }

    /// Nobody's media comes in (a peer that only listens and sends little), and the selected address falls silent:
    /// when its consent lapses the agent moves to the freshest checked address instead of giving up.
    @Test func whenTheSelectedConsentLapsesAFreshAddressTakesOver() {
        var agent = Self.agentWithTwoAddresses()
        Self.check(&agent, from: Self.new, at: 25)
        #expect(agent.tick(now: 30.5) == nil)
        #expect(agent.selectedAddress == Self.new)
        #expect(agent.checkedAddresses == [Self.new], "the lapsed address is forgotten")
        #expect(agent.state == .connected)
        #expect(agent.tick(now: 55.5) == .consentExpired, "and the new one's consent lapses in turn")
    }

    @Test func atMostFourAddressesAndNeverTheSelectedOneForgotten() {
        var agent = ICELiteAgentTests.agent()
        Self.check(&agent, from: Self.old, at: 0)
        for port: UInt16 in 1...5 {
            Self.check(&agent, from: TransportAddress(ip: .v4(0x0A00_0001), port: port), at: Double(port))
        }
        #expect(agent.checkedAddresses.count == ICELiteAgent.maxCheckedAddresses)
        #expect(agent.checkedAddresses.contains(Self.old), "the selected address, although the stalest")
        #expect(agent.checkedAddresses.contains(TransportAddress(ip: .v4(0x0A00_0001), port: 5)))
        #expect(!agent.checkedAddresses.contains(TransportAddress(ip: .v4(0x0A00_0001), port: 1)))
    }

    @Test func theGenerationChangesWithTheAddressesOnly() {
        var agent = ICELiteAgentTests.agent()
        Self.check(&agent, from: Self.old, at: 0)
        let one = agent.checkedGeneration
        Self.check(&agent, from: Self.old, at: 1)  // a refresh: the same addresses
        #expect(agent.checkedGeneration == one)
        Self.check(&agent, from: Self.new, at: 2)
        #expect(agent.checkedGeneration != one)
        let two = agent.checkedGeneration
        #expect(agent.tick(now: 20) == nil)
        #expect(agent.checkedGeneration == two)
        _ = agent.tick(now: 31.5)  // old lapsed
        #expect(agent.checkedGeneration != two)
    }
}
