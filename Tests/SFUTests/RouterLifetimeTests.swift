import Testing
@testable import SFU

/// Down tracks, their subscribers and their sources hold each other strongly (weak loads cost a runtime call per
/// forwarded packet); these tests pin that the Router breaks those cycles when peers leave.
@Suite struct RouterLifetimeTests {
    /// Builds a publisher with one video track and one subscriber to it; returns weak handles to everything.
    private func populate(_ router: Router) -> (publisher: PeerMedia, subscriber: PeerMedia) {
        let publisher = router.addPeer(id: "pub", sink: RecordingSink())
        let subscriber = router.addPeer(id: "sub", sink: RecordingSink())
        let receiver = router.publish(on: publisher, trackID: "T-cam", kind: .video,
                                      codec: TrackCodec(payloadType: 96, clockRate: 90000),
                                      extensionIDs: HeaderExtensionIDs(), ssrc: 1111, rtxSSRC: nil, mid: "1")
        _ = router.subscribe(subscriber, to: receiver, subscriptionID: "5", ssrc: 7777, rtxSSRC: nil,
                             codec: TrackCodec(payloadType: 100, clockRate: 90000),
                             extensionIDs: HeaderExtensionIDs(), mid: "5")
        return (publisher, subscriber)
    }

    @Test func removingTheSubscriberFreesItsDownTracksAndSink() {
        let router = Router()
        weak var track: DownTrack?
        weak var subscriber: PeerMedia?
        weak var sink: RecordingSink?
        weak var receiver: Receiver?
        do {
            let peers = populate(router)
            track = peers.subscriber.downTracks.first
            subscriber = peers.subscriber
            sink = peers.subscriber.sink as? RecordingSink
            receiver = peers.publisher.receivers.first
            #expect(track?.receiver === receiver)
            router.removePeer(peers.subscriber)
        }
        #expect(track == nil)
        #expect(subscriber == nil)
        #expect(sink == nil)
        #expect(receiver?.downTracks.isEmpty == true)
    }

    @Test func removingThePublisherEndsItsDownTracksAndFreesIt() {
        let router = Router()
        weak var publisher: PeerMedia?
        weak var receiver: Receiver?
        let subscriber: PeerMedia
        do {
            let peers = populate(router)
            publisher = peers.publisher
            receiver = peers.publisher.receivers.first
            subscriber = peers.subscriber
            router.removePeer(peers.publisher)
        }
        #expect(publisher == nil)
        #expect(receiver == nil)
        #expect(subscriber.downTracks.isEmpty)
    }

    @Test func aDroppedRouterFreesEveryPeer() {
        weak var publisher: PeerMedia?
        weak var subscriber: PeerMedia?
        weak var track: DownTrack?
        do {
            let router = Router()
            let peers = populate(router)
            publisher = peers.publisher
            subscriber = peers.subscriber
            track = peers.subscriber.downTracks.first
        }
        #expect(publisher == nil)
        #expect(subscriber == nil)
        #expect(track == nil)
    }
}
