import Testing
import RTP
import RTCP
@testable import SFU

/// The room's timer walks its peers only when something is due (`Router.nextDue`); packets and requests that
/// create work bring it forward. What is sent, and when, is as if every tick walked.
@Suite struct RouterDeadlineTests {
    let router = Router()
    let publisherSink = RecordingSink()
    let subscriberSink = RecordingSink()

    func setUp() -> (publisher: PeerMedia, subscriber: PeerMedia) {
        let publisher = router.addPeer(id: "pub", sink: publisherSink)
        let subscriber = router.addPeer(id: "sub", sink: subscriberSink)
        let receiver = router.publish(on: publisher, trackID: "T-cam", kind: .video,
                                      codec: TrackCodec(payloadType: 96, clockRate: 90000, nack: true),
                                      extensionIDs: HeaderExtensionIDs(), ssrc: 1111, rtxSSRC: nil, mid: "1")
        _ = router.subscribe(subscriber, to: receiver, subscriptionID: "5", ssrc: 7777, rtxSSRC: nil,
                             codec: TrackCodec(payloadType: 96, clockRate: 90000, nack: true),
                             extensionIDs: HeaderExtensionIDs(), mid: "5")
        return (publisher, subscriber)
    }

    func feed(sequence: UInt16, from peer: PeerMedia, now: Double, keyframe: Bool = true) {
        var bytes = vp8Packet(ssrc: 1111, sequence: sequence, timestamp: UInt32(sequence) * 3000, keyframe: keyframe)
        bytes.withUnsafeMutableBytes { router.handleRTP(from: peer, packet: $0, now: now, arrivalMicros: 0) }
    }

    var nacks: [[UInt16]] {
        publisherSink.feedback.compactMap { if case .genericNACK(let n) = $0 { n.lostSequenceNumbers } else { nil } }
    }

    var plis: Int {
        publisherSink.feedback.filter { if case .pictureLossIndication = $0 { true } else { false } }.count
    }

    @Test func theNextTickIsDueAtTheEarliestScheduledWork() {
        _ = setUp()
        #expect(router.nextDue == -.infinity)  // new peers: their first reports at once
        feed(sequence: 1, from: router.peers["pub"]!, now: 0)
        router.tick(now: 0, unixMicros: 0)
        // The key-frame request (throttled to 0.5 s) and the ring's first rate sample at 1 s are later than the
        // publisher's transport-cc feedback, due every 100 ms.
        #expect(router.nextDue == 0.1)
        let sent = publisherSink.rtcp.count + subscriberSink.rtcp.count
        router.tick(now: 0.05, unixMicros: 0)  // nothing due
        #expect(publisherSink.rtcp.count + subscriberSink.rtcp.count == sent)
        router.tick(now: 0.1, unixMicros: 0)
        #expect(router.nextDue == 0.2)
    }

    @Test func aGapBringsTheTickForwardAndNACKsAreRetriedEvery50ms() {
        let (publisher, _) = setUp()
        feed(sequence: 10, from: publisher, now: 0)
        router.tick(now: 0, unixMicros: 0)
        feed(sequence: 13, from: publisher, now: 0.02)
        #expect(router.nextDue == 0.02)
        router.tick(now: 0.03, unixMicros: 0)
        #expect(nacks == [[11, 12]])
        #expect(abs(router.nextDue - 0.08) < 1e-9)  // the retry, before the transport-cc feedback at 0.1
        router.tick(now: 0.07, unixMicros: 0)
        #expect(nacks.count == 1)
        router.tick(now: 0.081, unixMicros: 0)
        router.tick(now: 0.14, unixMicros: 0)
        #expect(nacks == [[11, 12], [11, 12], [11, 12]])  // three tries
        router.tick(now: 0.2, unixMicros: 0)
        #expect(nacks.count == 3)
    }

    @Test func aPLIFromASubscriberBringsTheTickForward() {
        let (publisher, subscriber) = setUp()
        feed(sequence: 1, from: publisher, now: 0, keyframe: false)
        router.tick(now: 0, unixMicros: 0)  // the new subscriber's key-frame request goes out
        #expect(plis == 1)
        var pli = RTCPCompound.serialize([.pictureLossIndication(PictureLossIndication(senderSSRC: 1, mediaSSRC: 7777))])
        router.tick(now: 0.7, unixMicros: 0)
        pli.withUnsafeMutableBytes { router.handleRTCP(from: subscriber, packet: $0, now: 0.72) }
        #expect(router.nextDue <= 0.72)
        router.tick(now: 0.73, unixMicros: 0)
        #expect(plis == 2)
    }

    @Test func aKeyFrameOnItsWayAnswersTheRequestsMadeWhileItCame() {
        let (publisher, subscriber) = setUp()
        feed(sequence: 1, from: publisher, now: 0, keyframe: false)  // the new subscriber waits and asks
        router.tick(now: 0, unixMicros: 0)
        #expect(plis == 1)
        feed(sequence: 2, from: publisher, now: 0.02, keyframe: false)  // still waiting: asks again
        feed(sequence: 3, from: publisher, now: 0.05)  // the key frame asked for
        #expect(subscriberSink.rtp.count == 1)
        for now in stride(from: 0.1, through: 1.5, by: 0.1) { router.tick(now: now, unixMicros: 0) }
        #expect(plis == 1)  // no second key frame for the same subscriber
        // A request after the key frame started is not answered by it.
        var pli = RTCPCompound.serialize([.pictureLossIndication(PictureLossIndication(senderSSRC: 1, mediaSSRC: 7777))])
        pli.withUnsafeMutableBytes { router.handleRTCP(from: subscriber, packet: $0, now: 1.52) }
        router.tick(now: 1.53, unixMicros: 0)
        #expect(plis == 2)
    }
}
