import DTLS
import SDP
import SignalingWire

/// What one client puts in its offer: its publishing m-lines first (mid "0" audio, "1" video when published),
/// then one recvonly m-line per subscription, in the order they were added (renegotiation appends).
struct OfferPlan {
    struct Subscription { var mid: String; var trackID: String; var kind: String }
    var publishAudio: Bool
    var publishVideo: Bool
    var audioSSRC: UInt32
    var videoSSRC: UInt32
    var subscriptions: [Subscription] = []
    var nextMid = 2

    mutating func subscribe(trackID: String, kind: String) {
        subscriptions.append(Subscription(mid: String(nextMid), trackID: trackID, kind: kind))
        nextMid += 1
    }

    var offeredTracks: [ClientMessage.OfferedTrack] {
        (publishAudio ? [.init(mid: "0", source: "microphone")] : []) + (publishVideo ? [.init(mid: "1", source: "camera")] : [])
    }
    var offeredSubscriptions: [ClientMessage.OfferedSubscription] {
        subscriptions.map { .init(mid: $0.mid, trackID: $0.trackID) }
    }
}

enum ExtensionID {
    static let mid: UInt8 = 1
    static let transportCC: UInt8 = 3
}

enum PayloadType {
    static let opus: UInt8 = 111
    static let vp8: UInt8 = 96
}

/// Builds the client's Unified Plan offer: BUNDLE, rtcp-mux, ICE credentials, the sha-256 fingerprint of its own
/// certificate, `a=setup:actpass` (the server answers passive: the client is the DTLS client), Opus 111, VP8 96,
/// extmaps for mid and transport-wide-cc, and `a=ssrc` lines for what it sends.
func buildOffer(plan: OfferPlan, ufrag: String, pwd: String, fingerprint: String, cname: String, sessionID: UInt64)
    -> String
{
    var sections: [(mid: String, kind: String, direction: String, ssrc: UInt32?)] = []
    if plan.publishAudio { sections.append(("0", "audio", "sendonly", plan.audioSSRC)) }
    if plan.publishVideo { sections.append(("1", "video", "sendonly", plan.videoSSRC)) }
    for sub in plan.subscriptions { sections.append((sub.mid, sub.kind, "recvonly", nil)) }
    var session = SessionDescription(origin: "- \(sessionID) 2 IN IP4 127.0.0.1")
    session.attributes = [SDPAttribute("group", "BUNDLE " + sections.map(\.mid).joined(separator: " ")),
                          SDPAttribute("msid-semantic", " WMS \(cname)")]
    for section in sections {
        let video = section.kind == "video"
        let pt = video ? PayloadType.vp8 : PayloadType.opus
        var media = MediaDescription(kind: section.kind, port: 9, proto: "UDP/TLS/RTP/SAVPF", formats: [String(pt)],
                                     connection: "IN IP4 0.0.0.0")
        media.add("rtcp", "9 IN IP4 0.0.0.0")
        media.add("ice-ufrag", ufrag)
        media.add("ice-pwd", pwd)
        media.add("fingerprint", "sha-256 \(fingerprint)")
        media.add("setup", "actpass")
        media.add("mid", section.mid)
        media.add("extmap", "\(ExtensionID.mid) urn:ietf:params:rtp-hdrext:sdes:mid")
        media.add("extmap", "\(ExtensionID.transportCC) http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01")
        media.add(section.direction)
        if section.ssrc != nil { media.add("msid", "\(cname) \(cname)-\(section.kind)") }
        media.add("rtcp-mux")
        media.add("rtcp-rsize")
        if video {
            media.add("rtpmap", "96 VP8/90000")
            for fb in ["goog-remb", "transport-cc", "ccm fir", "nack", "nack pli"] { media.add("rtcp-fb", "96 \(fb)") }
        } else {
            media.add("rtpmap", "111 opus/48000/2")
            media.add("rtcp-fb", "111 transport-cc")
            media.add("fmtp", "111 minptime=10;useinbandfec=1")
        }
        if let ssrc = section.ssrc {
            media.add("ssrc", "\(ssrc) cname:\(cname)")
            media.add("ssrc", "\(ssrc) msid:\(cname) \(cname)-\(section.kind)")
        }
        session.media.append(media)
    }
    return session.serialize()
}

/// The transport parameters of the server's answer: ICE-lite credentials, its one host candidate, the DTLS role.
struct AnswerTransport {
    var ufrag: String
    var pwd: String
    var ip: UInt32
    var port: UInt16
    var serverIsDTLSClient: Bool
    var fingerprint: String

    init(sdp text: String) throws {
        let sdp = try SessionDescription(parsing: text)
        guard let index = sdp.media.indices.first(where: { !sdp.media[$0].isRejected }) ?? sdp.media.indices.first,
              let credentials = sdp.iceCredentials(forMedia: index)
        else { throw LoadError("answer has no ICE credentials") }
        ufrag = credentials.ufrag
        pwd = credentials.pwd
        serverIsDTLSClient = sdp.setup(forMedia: index) == .active
        guard let print = sdp.fingerprint(forMedia: index) else { throw LoadError("answer has no sha-256 fingerprint") }
        fingerprint = print.value
        let candidate = sdp.media.lazy.compactMap { $0.attribute("candidate") }.first
        guard let fields = candidate?.split(separator: " "), fields.count >= 6,
              let port = UInt16(fields[5]), let ip = parseIPv4(String(fields[4]))
        else { throw LoadError("answer has no usable candidate") }
        self.ip = ip
        self.port = port
    }
}

func parseIPv4(_ text: String) -> UInt32? {
    let parts = text.split(separator: ".").compactMap { UInt32($0) }
    guard parts.count == 4, parts.allSatisfy({ $0 < 256 }) else { return nil }
    return parts.reduce(0) { $0 << 8 | $1 }
}
