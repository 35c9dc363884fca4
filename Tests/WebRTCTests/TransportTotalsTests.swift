import Testing
@testable import WebRTC

/// Server-wide totals (exported as metrics) add up every transport's counters and keep those of closed ones.
@Suite struct TransportTotalsTests {
    @Test func aClosedTransportsCountersStayInTheTotals() throws {
        let peer = try LoopbackPeer()
        #expect(!peer.server.isIdle)  // a transport to time: the loop keeps its short tick
        #expect(peer.connect())
        peer.sendReceiverReport()
        peer.sendReceiverReport()
        peer.deliver([0x80, 200, 0, 6] + [UInt8](repeating: 0xAB, count: 40))  // not authentic: dropped
        #expect(peer.server.transportTotals.rtcpReceived == 2)
        #expect(peer.server.transportTotals.inboundDropped == 1)

        peer.transport.close()
        #expect(peer.server.transportCount == 0)
        #expect(peer.server.isIdle)
        #expect(peer.server.transportTotals.rtcpReceived == 2)
        #expect(peer.server.transportTotals.inboundDropped == 1)
        peer.transport.close()  // closing twice counts once
        #expect(peer.server.transportTotals.rtcpReceived == 2)
    }
}
