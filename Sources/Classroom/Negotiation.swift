import SDP
import SFU
import WebRTC
import DTLS
import RTP

/// Applies a client's offer to a participant: sets up or updates its transport, publishes what it sends,
/// attaches what it subscribes to, and returns the answer. Runs on the media loop.
struct Negotiation {
    let participant: Participant
    let transports: TransportServer
    let settings: MediaSettings

    func apply(sdp text: String, publish: [PublishRequest], subscribe: [SubscribeRequest]) throws(ClassroomError)
        -> (result: OfferResult, announce: [() -> Void]) {
        let offer: WebRTCOffer
        do {
            offer = try WebRTCOffer(SessionDescription(parsing: text))
        } catch {
            throw ClassroomError("bad_sdp", "\(error)")
        }
        let transport = try transportFor(offer)
        let lesson = participant.lesson
        let media = participant.media
            ?? lesson.router.addPeer(id: participant.id, sink: transport, sinkConnected: transport.state == .connected)
        participant.media = media

        var warnings: [ClassroomError] = []
        var plans: [String: MediaAnswerPlan] = [:]
        let sources = Dictionary(publish.map { ($0.mid, $0.source) }, uniquingKeysWith: { a, _ in a })
        let wanted = Dictionary(subscribe.map { ($0.mid, $0.trackID) }, uniquingKeysWith: { a, _ in a })
        var subscriptionResults: [SubscriptionResult] = []

        for (index, section) in offer.media.enumerated() {
            guard let mid = section.mid else { continue }
            guard section.kind == "audio" || section.kind == "video" else { plans[mid] = .reject; continue }
            let direction = offer.direction(forMedia: index)
            if direction.sends {
                if participant.role.mayPublish {
                    plans[mid] = .receive
                } else {
                    plans[mid] = .inactive
                    warnings.append(ClassroomError("forbidden", "role \(participant.role.rawValue) may not publish (mid \(mid))"))
                }
            } else if direction.receives, let trackID = wanted[mid] {
                if let (publisher, _) = lesson.track(trackID), publisher !== participant,
                   publisher.published.values.contains(where: { $0.info.id == trackID && $0.info.kind == section.kind }) {
                    let ssrcs = announcedSSRCs(mid: mid, trackID: trackID)
                    plans[mid] = .send(ssrc: ssrcs.ssrc, rtxSSRC: ssrcs.rtx, cname: publisher.id,
                                       streamID: publisher.id, trackID: trackID)
                    subscriptionResults.append(SubscriptionResult(mid: mid, trackID: trackID,
                                                                  participantID: publisher.id, state: "active"))
                } else {
                    plans[mid] = .inactive
                    subscriptionResults.append(SubscriptionResult(mid: mid, trackID: trackID, participantID: nil,
                                                                  state: "unavailable"))
                }
            } else {
                plans[mid] = .inactive
            }
        }

        participant.sessionVersion += 1
        let options = AnswerOptions(
            iceUfrag: transport.localCredentials.ufrag, icePwd: transport.localCredentials.password,
            fingerprintSHA256: transports.certificate.fingerprintSHA256,
            setup: settings.preferredDTLSRole == .server ? .passive : .active,
            candidateAddresses: transports.announcedAddresses, candidatePort: Int(transports.port),
            sessionID: participant.sessionID, sessionVersion: participant.sessionVersion)
        let (answer, negotiated) = buildAnswer(offer: offer, plans: plans, options: options)

        var announce: [() -> Void] = []
        var publishedResults: [PublishedTrackResult] = []
        var stillPublished = Set<String>()
        var stillSubscribed = Set<String>()
        for result in negotiated {
            let ids = extensionIDs(result.extensionIDs)
            guard let codec = result.codec, let kind = MediaKind(rawValue: result.kind) else { continue }
            let trackCodec = TrackCodec(payloadType: codec.payloadType, clockRate: UInt32(codec.clockRate),
                                        rtxPayloadType: result.rtxPayloadType,
                                        nack: result.rtcpFeedback.contains("nack"))
            switch (result.direction, plans[result.mid]?.role) {
            case (.recvonly, .receive?):
                stillPublished.insert(result.mid)
                if ids.mid != 0 || ids.transportCC != 0 { media.publisherExtensionIDs = ids }
                if let existing = participant.published[result.mid] {
                    lesson.router.updateSource(of: existing.receiver, ssrc: result.remoteSSRC, rtxSSRC: result.remoteRTXSSRC)
                    publishedResults.append(PublishedTrackResult(mid: result.mid, track: existing.info))
                    continue
                }
                let source = sources[result.mid] ?? (kind == .video ? "camera" : "microphone")
                let info = TrackInfo(id: Identifiers.make("T"), kind: kind.rawValue, source: source)
                let receiver = lesson.router.publish(on: media, trackID: info.id, kind: kind, codec: trackCodec,
                                                     extensionIDs: ids, ssrc: result.remoteSSRC,
                                                     rtxSSRC: result.remoteRTXSSRC, mid: result.mid)
                participant.published[result.mid] = (receiver, info)
                publishedResults.append(PublishedTrackResult(mid: result.mid, track: info))
                let mid = result.mid
                announce.append { [participant] in participant.lesson.registerTrack(info, of: participant, mid: mid) }
            case (.sendonly, .send(let ssrc, let rtx, _, _, let trackID)?):
                stillSubscribed.insert(result.mid)
                if let existing = participant.subscriptions[result.mid], existing.trackID == trackID { continue }
                if let existing = participant.subscriptions[result.mid] { lesson.router.unsubscribe(existing.downTrack) }
                guard let (publisher, publisherMid) = lesson.track(trackID),
                      let receiver = publisher.published[publisherMid]?.receiver else { continue }
                let downTrack = lesson.router.subscribe(media, to: receiver, subscriptionID: result.mid, ssrc: ssrc,
                                                        rtxSSRC: rtx, codec: trackCodec, extensionIDs: ids,
                                                        mid: result.mid)
                participant.subscriptions[result.mid] = (downTrack, trackID)
            default:
                break
            }
        }
        // What the client no longer sends or receives ends.
        for (mid, published) in participant.published where !stillPublished.contains(mid) {
            lesson.router.unpublish(published.receiver)
            participant.published[mid] = nil
            let trackID = published.info.id
            announce.append { [participant] in participant.lesson.unregisterTrack(trackID, of: participant) }
        }
        for (mid, subscription) in participant.subscriptions where !stillSubscribed.contains(mid) {
            lesson.router.unsubscribe(subscription.downTrack)
            participant.subscriptions[mid] = nil
        }
        let result = OfferResult(sdp: answer.serialize(), subscriptions: subscriptionResults,
                                 tracks: publishedResults.sorted { $0.mid < $1.mid }, warnings: warnings)
        return (result, announce)
    }

    private func transportFor(_ offer: WebRTCOffer) throws(ClassroomError) -> PeerTransport {
        if let transport = participant.transport {
            guard transport.state != .failed, transport.state != .closed else {
                throw ClassroomError("bad_sdp", "the transport has \(transport.state.rawValue); rejoin to start again")
            }
            if offer.iceUfrag != transport.remoteUfrag { transport.restartICE(remoteUfrag: offer.iceUfrag) }
            return transport
        }
        let role: DTLSRole
        switch offer.setup {
        case .active: role = .server
        case .passive: role = .client
        default: role = settings.preferredDTLSRole
        }
        let transport = transports.makeTransport(
            remoteUfrag: offer.iceUfrag,
            remoteFingerprint: (offer.fingerprint.algorithm, offer.fingerprint.value),
            dtlsRole: role, consentTimeout: settings.consentTimeout)
        transport.delegate = participant
        participant.transport = transport
        return transport
    }

    private func announcedSSRCs(mid: String, trackID: String) -> (ssrc: UInt32, rtx: UInt32) {
        if let known = participant.announcedSSRCs[mid], known.trackID == trackID { return (known.ssrc, known.rtx) }
        let fresh = (ssrc: UInt32.random(in: 1...UInt32.max), rtx: UInt32.random(in: 1...UInt32.max))
        participant.announcedSSRCs[mid] = (trackID, fresh.ssrc, fresh.rtx)
        return fresh
    }

    private func extensionIDs(_ map: [String: UInt8]) -> HeaderExtensionIDs {
        HeaderExtensionIDs(mid: map[RTPExtensionURI.mid] ?? 0, audioLevel: map[RTPExtensionURI.audioLevel] ?? 0,
                           absSendTime: map[RTPExtensionURI.absSendTime] ?? 0,
                           transportCC: map[RTPExtensionURI.transportWideCC] ?? 0)
    }
}
