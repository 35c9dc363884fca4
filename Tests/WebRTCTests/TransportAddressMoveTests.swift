import ICE
import STUN
import Testing
@testable import WebRTC

/// A peer that a NAT re-maps mid-lesson: every address it checked from routes to its transport, and the media out
/// follows its authenticated media in (`ICELiteAgent.mediaArrived`).
@Suite struct TransportAddressMoveTests {
    @Test func theMediaFollowsThePeerToAnAddressItCheckedFrom() throws {
        let peer = try LoopbackPeer()
        #expect(peer.connect())
        let old = try peer.rebind()

        let unknown = peer.server.counters.unknownSource
        peer.sendReceiverReport()
        #expect(peer.server.counters.unknownSource == unknown + 1, "no check from the new address yet")
        #expect(peer.delegate.rtcpPackets == 0)

        #expect(peer.check(nominating: false), "the answer goes where the check came from")
        #expect(peer.transport.remoteAddress == old, "a check alone moves nothing")
        peer.sendReceiverReport()
        #expect(peer.delegate.rtcpPackets == 1)
        #expect(peer.transport.remoteAddress == peer.address)
        #expect(peer.transport.counters.addressMoves == 1)

        peer.transport.sendRTCP([0x80, 0xC8, 0x00, 0x06] + [UInt8](repeating: 0, count: 24))  // an empty SR
        #expect(peer.receive().count == 1, "what the server sends reaches the new address")
    }

    @Test func closingUnroutesEveryAddressThePeerCheckedFrom() throws {
        let peer = try LoopbackPeer()
        #expect(peer.connect())
        try peer.rebind()
        #expect(peer.check(nominating: false))
        peer.transport.close()

        let unknown = peer.server.counters.unknownSource
        peer.sendReceiverReport()
        try peer.rebind()
        peer.sendReceiverReport()  // from a third address, never checked
        #expect(peer.server.counters.unknownSource == unknown + 2)
    }

    @Test func anAddressWhoseConsentLapsedNoLongerRoutes() throws {
        let peer = try LoopbackPeer(consentTimeout: 10)
        #expect(peer.connect())
        let first = peer.address
        try peer.rebind()
        #expect(peer.check(nominating: false))
        for _ in 0..<12 {  // the new address keeps checking, the first falls silent
            peer.advance(by: 1)
            #expect(peer.check(nominating: false))
        }
        #expect(peer.transport.state == .connected)
        #expect(peer.transport.remoteAddress == peer.address, "consent lapsed at the first: the fresh one took over")
        #expect(peer.transport.counters.addressMoves == 1)
        let unknown = peer.server.counters.unknownSource
        peer.sendReceiverReport(from: first)
        #expect(peer.server.counters.unknownSource == unknown + 1, "the lapsed address no longer routes")
    }
}
