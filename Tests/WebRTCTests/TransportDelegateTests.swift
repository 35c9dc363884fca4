import Testing
@testable import WebRTC

/// The transport holds its delegate strongly (no weak load per packet) and lets go of it once closed, so a
/// participant that owns its transport is not kept alive by the cycle.
@Suite struct TransportDelegateTests {
    @Test func aClosedTransportLetsGoOfItsDelegate() throws {
        let peer = try LoopbackPeer()
        weak var released: RecordingDelegate?
        do {
            let owner = RecordingDelegate()
            released = owner
            peer.transport.delegate = owner
        }
        #expect(released != nil, "held by the transport alone")
        #expect(peer.connect())
        peer.transport.close(reason: .local)
        #expect(released == nil)
        #expect(peer.transport.delegate == nil)
    }
}
