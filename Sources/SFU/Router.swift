import RTP
import RTCP

/// One room's forwarding core (mediasoup's Router, LiveKit's room media): peers, the tracks they publish and the
/// down tracks that carry them to subscribers. All on one media loop; nothing here locks or does I/O itself.
public final class Router {
    public private(set) var peers: [String: PeerMedia] = [:]
    /// One outgoing packet is built here at a time and handed to a sink, so forwarding allocates nothing. A sink
    /// that offers memory of its own to build in (`PacketSink.sendBuffer`, a transport's send slot) gets it there.
    private let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: 2048, alignment: 16)
    public private(set) var malformedRTCP = 0
    /// The earliest time `tick` has work: a peer's transport-cc feedback or reports, a receiver's NACK or key-frame
    /// request, or a retransmission ring's sizing. A tick before it returns at once. Walking every peer on every
    /// 10 ms tick touched memory that had gone cold since the last packet: at patrol (5 rooms of 2 peers) about
    /// 16 µs a tick, 2 µs per packet forwarded.
    public private(set) var nextDue = -Double.infinity

    static let reportInterval = 1.0
    static let transportFeedbackInterval = 0.1

    public init() {}

    deinit {
        // Down tracks and their peers reference each other until unsubscribed: end them all.
        for peer in Array(peers.values) { removePeer(peer) }
        scratch.deallocate()
    }

    // MARK: Membership

    /// `sinkConnected`: whether `sink` can send yet; if not, `sinkConnected(_:)` says when it can.
    public func addPeer(id: String, sink: any PacketSink, sinkConnected: Bool = true) -> PeerMedia {
        let peer = PeerMedia(id: id, sink: sink, sinkConnected: sinkConnected)
        peers[id] = peer
        nextDue = -.infinity  // its first reports go out at once
        return peer
    }

    public func removePeer(_ peer: PeerMedia) {
        for receiver in peer.receivers { unpublish(receiver) }
        for track in peer.downTracks { unsubscribe(track) }
        peers[peer.id] = nil
    }

    public func publish(on peer: PeerMedia, trackID: String, kind: MediaKind, codec: TrackCodec,
                        extensionIDs: HeaderExtensionIDs, ssrc: UInt32?, rtxSSRC: UInt32?, mid: String) -> Receiver {
        let receiver = Receiver(trackID: trackID, kind: kind, codec: codec, extensionIDs: extensionIDs,
                                ssrc: ssrc, rtxSSRC: rtxSSRC, publisher: peer)
        peer.receivers.append(receiver)
        if let ssrc { peer.receiversBySSRC[ssrc] = receiver }
        if let rtxSSRC { peer.receiversByRTXSSRC[rtxSSRC] = receiver }
        peer.receiversByMid[mid] = receiver
        nextDue = -.infinity  // transport-cc feedback and ring sizing start
        return receiver
    }

    /// Updates the SSRCs of a published track after a renegotiation (the down tracks keep their numbering).
    public func updateSource(of receiver: Receiver, ssrc: UInt32?, rtxSSRC: UInt32?) {
        let peer = receiver.publisher
        if let old = receiver.ssrc, old != ssrc { peer.receiversBySSRC[old] = nil }
        if let old = receiver.rtxSSRC, old != rtxSSRC { peer.receiversByRTXSSRC[old] = nil }
        if let ssrc {
            if receiver.ssrc != ssrc { receiver.sourceChanged(to: ssrc) }
            peer.receiversBySSRC[ssrc] = receiver
        }
        if let rtxSSRC { receiver.rtxSSRC = rtxSSRC; peer.receiversByRTXSSRC[rtxSSRC] = receiver }
    }

    public func unpublish(_ receiver: Receiver) {
        let peer = receiver.publisher
        // Its down tracks end with it: out of the subscribers' tables too, not just cut off from the source.
        for track in receiver.downTracks { unsubscribe(track) }
        peer.receivers.removeAll { $0 === receiver }
        peer.receiversBySSRC.removeAll { $0 === receiver }
        peer.receiversByRTXSSRC.removeAll { $0 === receiver }
        peer.receiversByMid = peer.receiversByMid.filter { $0.value !== receiver }
    }

    public func subscribe(_ subscriber: PeerMedia, to receiver: Receiver, subscriptionID: String, ssrc: UInt32,
                          rtxSSRC: UInt32?, codec: TrackCodec, extensionIDs: HeaderExtensionIDs,
                          mid: String) -> DownTrack {
        let track = DownTrack(subscriptionID: subscriptionID, receiver: receiver, subscriber: subscriber, ssrc: ssrc,
                              rtxSSRC: rtxSSRC, codec: codec, extensionIDs: extensionIDs, mid: mid)
        subscriber.downTracks.append(track)
        subscriber.downTracksBySSRC[ssrc] = track
        if let rtx = track.rtxSSRC { subscriber.downTracksBySSRC[rtx] = track }
        receiver.attach(track)
        noteFeedback(of: receiver)  // a key frame for the new subscriber
        return track
    }

    public func unsubscribe(_ track: DownTrack) {
        track.receiver?.detach(track)
        track.end()
        let subscriber = track.subscriber
        subscriber.downTracks.removeAll { $0 === track }
        subscriber.downTracksBySSRC.removeAll { $0 === track }
    }

    // MARK: Packets

    /// A decrypted RTP packet from `peer`. Malformed packets are dropped and counted.
    @inline(__always)
    public func handleRTP(from peer: PeerMedia, packet: UnsafeMutableRawBufferPointer, now: Double, arrivalMicros: Int64) {
        guard let view = RTPView(UnsafeRawBufferPointer(packet)) else { peer.countMalformed(); return }
        let twccID = peer.publisherExtensionIDs.transportCC
        if twccID != 0, let range = view.extensionElement(id: twccID), range.count == 2 {
            let sequence = UInt16(view.bytes[range.lowerBound]) << 8 | UInt16(view.bytes[range.lowerBound + 1])
            peer.feedbackRecorder.record(sequence: sequence, arrivalMicros: arrivalMicros)
        }
        guard let (receiver, isRTX) = peer.receiver(for: view) else { return }
        if isRTX {
            receiver.handleRTX(packet, view: view, now: now, scratch: scratch)
        } else {
            receiver.handleRTP(view, now: now, scratch: scratch)
        }
        noteFeedback(of: receiver)  // a gap to NACK, or a key frame a down track waits for
    }

    /// Brings the next tick forward to when `receiver` has feedback to send.
    @inline(__always)
    private func noteFeedback(of receiver: Receiver?) {
        if let receiver, receiver.nextFeedback < nextDue { nextDue = receiver.nextFeedback }
    }

    /// A decrypted RTCP compound packet from `peer`: reports about what it sends, and feedback about what it receives.
    public func handleRTCP(from peer: PeerMedia, packet: UnsafeMutableRawBufferPointer, now: Double) {
        guard let packets = try? RTCPCompound.parse(UnsafeRawBufferPointer(packet)) else {
            malformedRTCP += 1
            return
        }
        for rtcp in packets {
            switch rtcp {
            case .senderReport(let report):
                peer.receiversBySSRC[report.ssrc]?.handleSenderReport(report, now: now)
                for block in report.reports { peer.downTracksBySSRC[block.ssrc]?.handleReceptionReport(block) }
            case .receiverReport(let report):
                for block in report.reports { peer.downTracksBySSRC[block.ssrc]?.handleReceptionReport(block) }
            case .genericNACK(let nack):
                peer.downTracksBySSRC[nack.mediaSSRC]?.retransmit(nack.lostSequenceNumbers, now: now, scratch: scratch)
            case .pictureLossIndication(let pli):
                requestKeyframe(from: peer.downTracksBySSRC[pli.mediaSSRC]?.receiver)
            case .fullIntraRequest(let fir):
                for entry in fir.entries { requestKeyframe(from: peer.downTracksBySSRC[entry.ssrc]?.receiver) }
            default:
                break  // REMB / transport-cc from subscribers feed bandwidth allocation (a later Forwarder kind).
            }
        }
    }

    /// `peer`'s sink can send now (its transport connected): its video down tracks, which waited, ask for the key
    /// frame they start on.
    public func sinkConnected(_ peer: PeerMedia) {
        peer.sinkConnected = true
        for track in peer.downTracks where track.waitingForKeyframe {  // only video waits
            requestKeyframe(from: track.receiver)
        }
    }

    private func requestKeyframe(from receiver: Receiver?) {
        receiver?.requestKeyframe()
        noteFeedback(of: receiver)
    }

    // MARK: Timers

    /// Per peer: upstream feedback (NACK, PLI) now, transport-cc every 100 ms, reports about every second. Each
    /// peer keeps its own schedule, so a tick never builds and sends RTCP for the whole room at once (that stalled
    /// forwarding for about a millisecond per hundred peers, right in the latency's p99).
    /// Nothing is due before `nextDue`, so most ticks return at once.
    public func tick(now: Double, unixMicros: Int64) {
        guard now >= nextDue else { return }
        let ntp = NTPTime.from(unixMicros: unixMicros)
        var next = Double.infinity
        for peer in peers.values {
            var feedback: [RTCPPacket] = []
            for receiver in peer.receivers {
                if now >= receiver.nextFeedback {
                    feedback.append(contentsOf: receiver.pendingFeedback(senderSSRC: peer.rtcpSSRC, now: now))
                }
                next = min(next, receiver.nextFeedback)
                if let buffer = receiver.buffer {
                    if now >= buffer.nextAdapt { buffer.adapt(now: now) }
                    next = min(next, buffer.nextAdapt)
                }
            }
            if !feedback.isEmpty { peer.sink.sendRTCP(RTCPCompound.serialize(feedback)) }
            if !peer.receivers.isEmpty {  // only publishers get transport-cc feedback
                if now >= peer.nextTransportFeedback {
                    peer.nextTransportFeedback = now + Self.transportFeedbackInterval
                    if let media = peer.receivers.first?.ssrc { sendTransportFeedback(to: peer, mediaSSRC: media) }
                }
                next = min(next, peer.nextTransportFeedback)
            }
            if now >= peer.nextReport {
                // RFC 3550 §6.3.1: a randomised interval, 0.5–1.5 × the nominal one, so peers drift apart.
                peer.nextReport = now + Self.reportInterval * Double.random(in: 0.5...1.5)
                sendReports(to: peer, now: now, ntp: ntp)
            }
            next = min(next, peer.nextReport)
        }
        nextDue = next
    }

    /// Written where the transport sends it from, and protected there: no allocation, no copy.
    private func sendTransportFeedback(to peer: PeerMedia, mediaSSRC: UInt32) {
        let out = peer.sink.sendBuffer(orElse: scratch)
        let room = UnsafeMutableRawBufferPointer(rebasing: out[0..<(out.count - PeerMedia.trailerRoom)])
        guard let length = peer.feedbackRecorder.writeFeedback(senderSSRC: peer.rtcpSSRC, mediaSSRC: mediaSSRC,
                                                               into: room) else { return }
        peer.sink.sendRTCP(out, length: length)
    }

    /// Sender reports for what we send the peer; receiver reports for what it publishes.
    private func sendReports(to peer: PeerMedia, now: Double, ntp: UInt64) {
        var packets: [RTCPPacket] = []
        for track in peer.downTracks {
            if let report = track.senderReport(now: now, ntp: ntp) { packets.append(.senderReport(report)) }
        }
        let blocks = peer.receivers.compactMap { $0.receptionReport(now: now) }
        if !blocks.isEmpty || packets.isEmpty {
            for start in stride(from: 0, to: max(blocks.count, 1), by: 31) {
                let chunk = Array(blocks[start..<min(start + 31, blocks.count)])
                packets.append(.receiverReport(ReceiverReport(ssrc: peer.rtcpSSRC, reports: chunk)))
            }
        }
        peer.sink.sendRTCP(RTCPCompound.serialize(packets))
    }
}
