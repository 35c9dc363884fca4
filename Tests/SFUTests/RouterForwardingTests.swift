import Testing
import RTP
import RTCP
@testable import SFU

/// Records what the SFU sends to one peer.
final class RecordingSink: PacketSink {
    var rtp: [[UInt8]] = []
    var rtcp: [[RTCPPacket]] = []

    func sendRTP(_ buffer: UnsafeMutableRawBufferPointer, length: Int) {
        #expect(buffer.count >= length + PeerMedia.trailerRoom)
        rtp.append(Array(buffer[0..<length]))
    }

    func sendRTCP(_ packet: [UInt8]) {
        rtcp.append((try? RTCPCompound.parse(packet)) ?? [])
    }

    var feedback: [RTCPPacket] { rtcp.flatMap { $0 } }
}

/// A VP8 packet: descriptor with S bit, then a payload header whose P bit says key frame (0) or not (1).
func vp8Packet(ssrc: UInt32, sequence: UInt16, timestamp: UInt32, keyframe: Bool, pt: UInt8 = 96,
               extensions: [RTPHeaderExtension] = []) -> [UInt8] {
    RTPPacket(marker: true, payloadType: pt, sequenceNumber: sequence, timestamp: timestamp, ssrc: ssrc,
              extensions: extensions, payload: [0x10, keyframe ? 0x00 : 0x01, 0x9D, 0x01, 0x2A, 0xAB]).serialize()
}

@Suite struct RouterForwardingTests {
    let router = Router()
    let publisherSink = RecordingSink()
    let subscriberSink = RecordingSink()

    func setUp(rtx: Bool = false) -> (publisher: PeerMedia, subscriber: PeerMedia, receiver: Receiver, track: DownTrack) {
        let publisher = router.addPeer(id: "pub", sink: publisherSink)
        publisher.publisherExtensionIDs = HeaderExtensionIDs(mid: 4, transportCC: 3)
        let subscriber = router.addPeer(id: "sub", sink: subscriberSink)
        let receiver = router.publish(on: publisher, trackID: "T-cam", kind: .video,
                                      codec: TrackCodec(payloadType: 96, clockRate: 90000, nack: true),
                                      extensionIDs: HeaderExtensionIDs(mid: 4, transportCC: 3),
                                      ssrc: 1111, rtxSSRC: nil, mid: "1")
        let track = router.subscribe(subscriber, to: receiver, subscriptionID: "5", ssrc: 7777, rtxSSRC: rtx ? 7778 : nil,
                                     codec: TrackCodec(payloadType: 100, clockRate: 90000,
                                                       rtxPayloadType: rtx ? 101 : nil, nack: true),
                                     extensionIDs: HeaderExtensionIDs(mid: 1, absSendTime: 2, transportCC: 5),
                                     mid: "5")
        return (publisher, subscriber, receiver, track)
    }

    func feed(_ bytes: [UInt8], from peer: PeerMedia, now: Double) {
        var copy = bytes
        copy.withUnsafeMutableBytes { router.handleRTP(from: peer, packet: $0, now: now, arrivalMicros: Int64(now * 1e6)) }
    }

    @Test func videoStartsOnKeyframeAndIsRewritten() throws {
        let (publisher, _, _, track) = setUp()
        feed(vp8Packet(ssrc: 1111, sequence: 10, timestamp: 1000, keyframe: false), from: publisher, now: 0)
        #expect(subscriberSink.rtp.isEmpty)
        #expect(track.waitingForKeyframe)
        router.tick(now: 0.01, unixMicros: 0)
        #expect(publisherSink.feedback.contains { if case .pictureLossIndication(let p) = $0 { p.mediaSSRC == 1111 } else { false } })

        feed(vp8Packet(ssrc: 1111, sequence: 11, timestamp: 4000, keyframe: true,
                       extensions: [RTPHeaderExtension(id: 4, value: Array("1".utf8))]), from: publisher, now: 0.02)
        feed(vp8Packet(ssrc: 1111, sequence: 12, timestamp: 7000, keyframe: false), from: publisher, now: 0.05)
        #expect(subscriberSink.rtp.count == 2)
        let first = try RTPPacket(parsing: subscriberSink.rtp[0])
        let second = try RTPPacket(parsing: subscriberSink.rtp[1])
        #expect(first.ssrc == 7777 && second.ssrc == 7777)
        #expect(first.payloadType == 100)
        #expect(second.sequenceNumber == first.sequenceNumber &+ 1)
        #expect(second.timestamp &- first.timestamp == 3000)
        #expect(first.extensions.first { $0.id == 1 }?.value == Array("5".utf8))  // subscriber's mid, not the publisher's
        #expect(first.extensions.contains { $0.id == 2 && $0.value.count == 3 })    // abs-send-time
        let twcc = try #require(first.extensions.first { $0.id == 5 }?.value)
        let twcc2 = try #require(second.extensions.first { $0.id == 5 }?.value)
        #expect((UInt16(twcc2[0]) << 8 | UInt16(twcc2[1])) == (UInt16(twcc[0]) << 8 | UInt16(twcc[1])) &+ 1)
        #expect(first.payload == [0x10, 0x00, 0x9D, 0x01, 0x2A, 0xAB])
    }

    @Test func nackIsServedFromTheBufferWithRTX() throws {
        let (publisher, subscriber, _, _) = setUp(rtx: true)
        feed(vp8Packet(ssrc: 1111, sequence: 20, timestamp: 0, keyframe: true), from: publisher, now: 0)
        feed(vp8Packet(ssrc: 1111, sequence: 21, timestamp: 3000, keyframe: false), from: publisher, now: 0.03)
        let lost = try RTPPacket(parsing: subscriberSink.rtp[1])
        let nack = RTCPCompound.serialize([.genericNACK(GenericNACK(senderSSRC: 42, mediaSSRC: 7777,
                                                                     lost: [lost.sequenceNumber]))])
        var bytes = nack
        bytes.withUnsafeMutableBytes { router.handleRTCP(from: subscriber, packet: $0, now: 0.1) }
        #expect(subscriberSink.rtp.count == 3)
        let rtx = try RTPPacket(parsing: subscriberSink.rtp[2])
        #expect(rtx.ssrc == 7778)
        #expect(rtx.payloadType == 101)
        #expect(rtx.timestamp == lost.timestamp)
        #expect(Array(rtx.payload.prefix(2)) == [UInt8(lost.sequenceNumber >> 8), UInt8(lost.sequenceNumber & 0xFF)])
        #expect(Array(rtx.payload.dropFirst(2)) == lost.payload)
    }

    /// A subscription answered before the subscriber's DTLS completed cannot send yet: its video waits, and asks
    /// for its key frame when the transport connects, not before (a key frame forwarded earlier would be lost).
    @Test func videoForATransportNotYetConnectedStartsOnAKeyFrameAskedForWhenItConnects() throws {
        let publisher = router.addPeer(id: "pub", sink: publisherSink)
        let subscriber = router.addPeer(id: "sub", sink: subscriberSink, sinkConnected: false)
        let codec = TrackCodec(payloadType: 96, clockRate: 90000, nack: true)
        let receiver = router.publish(on: publisher, trackID: "T-cam", kind: .video, codec: codec,
                                      extensionIDs: HeaderExtensionIDs(), ssrc: 1111, rtxSSRC: nil, mid: "1")
        let track = router.subscribe(subscriber, to: receiver, subscriptionID: "5", ssrc: 7777, rtxSSRC: nil,
                                     codec: codec, extensionIDs: HeaderExtensionIDs(), mid: "5")
        let plis = { self.publisherSink.feedback.filter { if case .pictureLossIndication = $0 { true } else { false } }.count }
        feed(vp8Packet(ssrc: 1111, sequence: 10, timestamp: 0, keyframe: true), from: publisher, now: 0)
        feed(vp8Packet(ssrc: 1111, sequence: 11, timestamp: 3000, keyframe: false), from: publisher, now: 0.03)
        router.tick(now: 0.04, unixMicros: 0)
        #expect(subscriberSink.rtp.isEmpty)
        #expect(track.waitingForKeyframe)
        #expect(plis() == 0)

        router.sinkConnected(subscriber)
        router.tick(now: 0.05, unixMicros: 0)
        #expect(plis() == 1)  // at once: no request before it to throttle it
        feed(vp8Packet(ssrc: 1111, sequence: 12, timestamp: 6000, keyframe: false), from: publisher, now: 0.06)
        #expect(subscriberSink.rtp.isEmpty)
        feed(vp8Packet(ssrc: 1111, sequence: 13, timestamp: 9000, keyframe: true), from: publisher, now: 0.1)
        #expect(subscriberSink.rtp.count == 1)
        #expect(try RTPPacket(parsing: subscriberSink.rtp[0]).payload.prefix(2) == [0x10, 0x00])  // the key frame
        for now in stride(from: 0.2, through: 1.2, by: 0.1) { router.tick(now: now, unixMicros: 0) }
        #expect(plis() == 1)
    }

    @Test func lossUpstreamIsNackedAndPLIFromSubscriberIsForwarded() {
        let (publisher, subscriber, _, _) = setUp()
        feed(vp8Packet(ssrc: 1111, sequence: 30, timestamp: 0, keyframe: true), from: publisher, now: 0)
        feed(vp8Packet(ssrc: 1111, sequence: 33, timestamp: 0, keyframe: false), from: publisher, now: 0.01)
        router.tick(now: 0.6, unixMicros: 0)
        let nacked = publisherSink.feedback.compactMap { if case .genericNACK(let n) = $0 { n.lostSequenceNumbers } else { nil } }.flatMap { $0 }
        #expect(Set(nacked) == [31, 32])
        publisherSink.rtcp.removeAll()
        var pli = RTCPCompound.serialize([.pictureLossIndication(PictureLossIndication(senderSSRC: 1, mediaSSRC: 7777))])
        pli.withUnsafeMutableBytes { router.handleRTCP(from: subscriber, packet: $0, now: 1.2) }
        router.tick(now: 1.21, unixMicros: 0)
        #expect(publisherSink.feedback.contains { if case .pictureLossIndication = $0 { true } else { false } })
    }

    @Test func unpublishEndsTheSubscribersDownTracks() {
        let (publisher, subscriber, receiver, _) = setUp()
        router.unpublish(receiver)
        #expect(subscriber.downTracks.isEmpty)
        #expect(subscriber.downTracksBySSRC.isEmpty)
        feed(vp8Packet(ssrc: 1111, sequence: 1, timestamp: 0, keyframe: true), from: publisher, now: 0)
        #expect(subscriberSink.rtp.isEmpty)
    }

    @Test func publisherRestartKeepsTheOutgoingStreamContinuous() throws {
        let (publisher, _, receiver, _) = setUp()
        feed(vp8Packet(ssrc: 1111, sequence: 500, timestamp: 90000, keyframe: true), from: publisher, now: 0)
        // Renegotiated: new SSRC, learned from the mid header extension.
        router.updateSource(of: receiver, ssrc: 2222, rtxSSRC: nil)
        feed(vp8Packet(ssrc: 2222, sequence: 3, timestamp: 10, keyframe: false), from: publisher, now: 0.5)
        #expect(subscriberSink.rtp.count == 1)  // waits for a key frame of the new source
        feed(vp8Packet(ssrc: 2222, sequence: 4, timestamp: 20, keyframe: true), from: publisher, now: 1.0)
        let before = try RTPPacket(parsing: subscriberSink.rtp[0])
        let after = try RTPPacket(parsing: subscriberSink.rtp[1])
        #expect(after.ssrc == before.ssrc)
        #expect(after.sequenceNumber == before.sequenceNumber &+ 1)
        #expect(after.timestamp &- before.timestamp == 90000)  // one second of wall time
    }

    @Test func reportsFlowBothWays() throws {
        let (publisher, _, _, _) = setUp()
        feed(vp8Packet(ssrc: 1111, sequence: 1, timestamp: 0, keyframe: true,
                       extensions: [RTPHeaderExtension(id: 3, value: [0, 1])]), from: publisher, now: 0)
        var sr = RTCPCompound.serialize([.senderReport(SenderReport(ssrc: 1111, ntpTimestamp: 0x1234_5678_9ABC_DEF0,
                                                                       rtpTimestamp: 0, packetCount: 1, octetCount: 6))])
        sr.withUnsafeMutableBytes { router.handleRTCP(from: publisher, packet: $0, now: 0.5) }
        router.tick(now: 1.0, unixMicros: 1_700_000_000_000_000)
        let rr = try #require(publisherSink.feedback.compactMap { if case .receiverReport(let r) = $0 { r } else { nil } }.first)
        let block = try #require(rr.reports.first)
        #expect(block.ssrc == 1111)
        #expect(block.lastSenderReport == 0x5678_9ABC)
        #expect(block.delaySinceLastSenderReport == 32768)  // 0.5 s in 1/65536 s
        #expect(publisherSink.feedback.contains { if case .transportWideFeedback = $0 { true } else { false } })
        let srOut = try #require(subscriberSink.feedback.compactMap { if case .senderReport(let s) = $0 { s } else { nil } }.first)
        #expect(srOut.ssrc == 7777)
        #expect(srOut.packetCount == 1)
    }

    @Test func theRoomsTimerSizesTheRetransmissionBufferToThePublishersRate() throws {
        let (publisher, subscriber, receiver, _) = setUp()
        let buffer = try #require(receiver.buffer)
        #expect(buffer.ringBytes == 128 * 1024)
        // Two seconds of a tiny stream: the ring shrinks to its minimum, and what it held is still served.
        var sequence: UInt16 = 100
        var now = 0.0
        while now < 2 {
            feed(vp8Packet(ssrc: 1111, sequence: sequence, timestamp: UInt32(now * 90000), keyframe: sequence == 100),
                 from: publisher, now: now)
            sequence &+= 1
            now += 0.05
            router.tick(now: now, unixMicros: 0)
        }
        #expect(buffer.ringBytes == RetransmissionBuffer.minimumBytes)
        let last = try RTPPacket(parsing: subscriberSink.rtp.last!)
        var nack = RTCPCompound.serialize([.genericNACK(GenericNACK(senderSSRC: 42, mediaSSRC: 7777,
                                                                     lost: [last.sequenceNumber]))])
        nack.withUnsafeMutableBytes { router.handleRTCP(from: subscriber, packet: $0, now: now) }
        #expect(try RTPPacket(parsing: subscriberSink.rtp.last!).payload == last.payload)
        #expect(subscriberSink.rtp.count == Int(sequence - 100) + 1)
    }
}
