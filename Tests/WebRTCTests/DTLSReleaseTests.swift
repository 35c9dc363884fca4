import Testing
@testable import WebRTC

/// A connected peer's DTLS association is released once the peer proves it holds the SRTP keys; its close is then
/// recognised from an alert followed by silence.
@Suite struct DTLSReleaseTests {
    @Test func theAssociationIsKeptUntilThePeerSendsAnAuthenticatedPacket() throws {
        let peer = try LoopbackPeer()
        #expect(peer.connect())
        peer.advance(by: 1)
        #expect(peer.transport.holdsDTLSState, "no packet from the peer yet: it may still need our last flight")

        peer.sendReceiverReport()
        #expect(peer.delegate.rtcpPackets == 1)
        peer.advance(by: 0.1)
        #expect(!peer.transport.holdsDTLSState)
        #expect(peer.transport.state == .connected)
    }

    @Test func aForgedPacketDoesNotReleaseIt() throws {
        let peer = try LoopbackPeer()
        #expect(peer.connect())
        peer.deliver([0x80, 200, 0, 6] + [UInt8](repeating: 0xAB, count: 40))  // RTCP-looking, not authentic
        peer.advance(by: 0.1)
        #expect(peer.transport.holdsDTLSState)
        #expect(peer.transport.counters.inboundDropped == 1)
    }

    @Test func closeNotifyBeforeTheReleaseClosesAtOnce() throws {
        let peer = try LoopbackPeer()
        #expect(peer.connect())
        for datagram in peer.dtls.close().datagrams { peer.deliver(datagram) }
        #expect(peer.delegate.closed == [.remoteClosed])
    }

    @Test func closeNotifyAfterTheReleaseClosesWhenThePeerFallsSilent() throws {
        let peer = try LoopbackPeer(consentTimeout: 10)
        #expect(peer.connect())
        peer.sendReceiverReport()
        peer.advance(by: 0.1)
        #expect(!peer.transport.holdsDTLSState)

        for datagram in peer.dtls.close().datagrams { peer.deliver(datagram) }
        peer.advance(by: 2.9)
        #expect(peer.delegate.closed.isEmpty, "3 s of silence confirm an alert that cannot be authenticated")
        peer.advance(by: 0.2)
        #expect(peer.delegate.closed == [.remoteClosed])
        #expect(peer.transport.state == .closed)
    }

    @Test func anAlertFromALivePeerIsIgnored() throws {
        let peer = try LoopbackPeer(consentTimeout: 10)
        #expect(peer.connect())
        peer.sendReceiverReport()
        peer.advance(by: 0.1)

        // Anyone who can forge the peer's address can send this; the peer's next packet cancels it.
        peer.deliver([21, 0xFE, 0xFD, 0, 1] + [UInt8](repeating: 0, count: 6) + [0, 2, 1, 0])
        peer.advance(by: 1)
        peer.sendReceiverReport()
        peer.advance(by: 5)
        #expect(peer.delegate.closed.isEmpty)
        #expect(peer.transport.state == .connected)

        // A consent check counts as life too.
        peer.deliver([21, 0xFE, 0xFD, 0, 1] + [UInt8](repeating: 0, count: 6) + [0, 2, 1, 0])
        peer.advance(by: 1)
        peer.check()
        peer.advance(by: 5)
        #expect(peer.delegate.closed.isEmpty)
    }

    @Test func otherDTLSRecordsAfterTheReleaseAreCountedAndDropped() throws {
        let peer = try LoopbackPeer()
        #expect(peer.connect())
        peer.sendReceiverReport()
        peer.advance(by: 0.1)
        let before = peer.transport.counters.inboundDropped
        peer.deliver([22, 0xFE, 0xFD, 0, 0] + [UInt8](repeating: 0, count: 6) + [0, 1, 1])  // a handshake record
        peer.advance(by: 5)
        #expect(peer.transport.counters.inboundDropped == before + 1)
        #expect(peer.delegate.closed.isEmpty)
    }

    @Test func withAShortConsentTimeoutTheConfirmationIsHalfOfIt() throws {
        let peer = try LoopbackPeer(consentTimeout: 4)
        #expect(peer.connect())
        peer.sendReceiverReport()
        peer.advance(by: 0.1)
        peer.check()
        for datagram in peer.dtls.close().datagrams { peer.deliver(datagram) }
        peer.advance(by: 2.1)
        #expect(peer.delegate.closed == [.remoteClosed])
    }
}
