import ICE
import Testing
@testable import WebRTC

/// A transport's ICE restart: new credentials route to it, the old ones until the next restart or close, and the
/// media path (DTLS, SRTP, the peer's address) carries on.
@Suite struct ICERestartTransportTests {
    @Test func newCredentialsRouteAndTheOldOnesPassUntilTheFirstNewCheck() throws {
        let peer = try LoopbackPeer()
        #expect(peer.connect())
        let first = peer.transport.localCredentials

        let second = peer.restartICE(peerUfrag: "peerufr2")
        #expect(second.ufrag != first.ufrag && second.password != first.password)
        #expect(peer.transport.remoteUfrag == "peerufr2")
        #expect(peer.transport.state == .connected)

        #expect(peer.check(server: first), "the peer's old generation still checks the pair in use")
        #expect(peer.check(server: second, peerUfrag: "peerufr2"))
        let dropped = peer.transport.counters.inboundDropped
        #expect(!peer.check(server: first), "after a check with the new credentials the old ones are done")
        #expect(peer.transport.counters.inboundDropped == dropped + 1, "still routed to the transport, which drops it")

        peer.sendReceiverReport()
        #expect(peer.delegate.rtcpPackets == 1, "SRTP carries on across the restart")
    }

    @Test func aSecondRestartRetiresTheFirstUfragAndCloseRetiresAll() throws {
        let peer = try LoopbackPeer()
        #expect(peer.connect())
        let first = peer.transport.localCredentials
        let second = peer.restartICE(peerUfrag: "peerufr2")
        #expect(peer.check(server: second, peerUfrag: "peerufr2"))
        _ = peer.restartICE(peerUfrag: "peerufr3")

        let unknown = peer.server.counters.unknownUfrag
        #expect(!peer.check(server: first))
        #expect(peer.server.counters.unknownUfrag == unknown + 1, "the first ufrag no longer routes")
        #expect(peer.check(server: second, peerUfrag: "peerufr2"), "the second is the one in use until the third's check")
        #expect(peer.check(server: peer.transport.localCredentials, peerUfrag: "peerufr3"))

        peer.transport.close()
        #expect(!peer.check(server: second, peerUfrag: "peerufr2"))
        #expect(!peer.check(server: peer.transport.localCredentials, peerUfrag: "peerufr3"))
        #expect(peer.server.counters.unknownUfrag == unknown + 3)
    }

    @Test func twoRestartsWithoutACheckBetweenKeepThePairInUse() throws {
        let peer = try LoopbackPeer()
        #expect(peer.connect())
        let first = peer.transport.localCredentials
        let second = peer.restartICE(peerUfrag: "peerufr2")
        _ = peer.restartICE(peerUfrag: "peerufr3")

        let unknown = peer.server.counters.unknownUfrag
        #expect(!peer.check(server: second, peerUfrag: "peerufr2"))
        #expect(peer.server.counters.unknownUfrag == unknown + 1, "the second was never used, and no longer routes")
        #expect(peer.check(server: first), "the first is still the pair in use")
        #expect(peer.check(server: peer.transport.localCredentials, peerUfrag: "peerufr3"))
    }
}

extension LoopbackPeer {
    /// The transport's ICE restart for the peer's new ufrag (as a re-offer makes it); returns the server's new
    /// credentials.
    func restartICE(peerUfrag: String) -> ICECredentials {
        transport.restartICE(remoteUfrag: peerUfrag)
        return transport.localCredentials
    }
}
