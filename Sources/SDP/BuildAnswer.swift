/// Builds the server's answer to a validated offer (the server is always the answerer, ICE-lite, one UDP host
/// candidate, BUNDLE + rtcp-mux).
///
/// - Every offered m-line is answered, in offer order, with its mid. m-lines without a plan are `inactive`;
///   `application` (data channel) and non-SAVPF m-lines, m-lines the offer rejected, m-lines planned `.reject` and
///   m-lines with no supported codec are rejected (port 0, the offer's proto and first format, `a=mid`).
/// - Accepted m-lines carry port 9, the chosen codec (the first offered one the server supports, with the offer's
///   payload type and fmtp) and its RTX when `acceptRTX`, the intersection of offered and allowed rtcp-fb, the
///   supported extensions with the offer's ids, ICE/DTLS parameters, the candidate and `a=end-of-candidates`.
///   All accepted m-lines use port 9 rather than port 0 + `bundle-only` (RFC 9143 §7.3.1) because that is what
///   browsers answer and accept.
/// - Session level: `a=ice-lite`, `a=group:BUNDLE` of the accepted mids, `a=extmap-allow-mixed` if offered,
///   `a=msid-semantic: WMS *`.
public func buildAnswer(offer: WebRTCOffer, plans: [String: MediaAnswerPlan],
                        options: AnswerOptions) -> (answer: SessionDescription, negotiated: [NegotiatedMedia]) {
    var media: [MediaDescription] = []
    var negotiated: [NegotiatedMedia] = []
    for (index, offered) in offer.media.enumerated() {
        let plan = plans[offered.mid ?? ""] ?? .inactive
        let (section, result) = AnswerBuilder(offered: offered, offeredDirection: offer.direction(forMedia: index),
                                              plan: plan, options: options, setup: answerSetup(offer.setup, options))
            .build()
        media.append(section)
        negotiated.append(result)
    }
    var attributes = [SDPAttribute("ice-lite")]
    let bundle = negotiated.filter { !$0.rejected }.map(\.mid)
    if !bundle.isEmpty { attributes.append(SDPAttribute("group", (["BUNDLE"] + bundle).joined(separator: " "))) }
    if offer.extmapAllowMixed { attributes.append(SDPAttribute("extmap-allow-mixed")) }
    attributes.append(SDPAttribute("msid-semantic", " WMS *"))
    let answer = SessionDescription(origin: "- \(options.sessionID) \(options.sessionVersion) IN IP4 0.0.0.0",
                                    attributes: attributes, media: media)
    return (answer, negotiated)
}

/// actpass → the configured role; active → passive; passive → active.
func answerSetup(_ offered: DTLSSetup, _ options: AnswerOptions) -> DTLSSetup {
    switch offered {
    case .actpass, .holdconn: options.setup == .active ? .active : .passive
    case .active: .passive
    case .passive: .active
    }
}

/// Answers one m-line.
struct AnswerBuilder {
    let offered: MediaDescription
    let offeredDirection: MediaDirection
    let plan: MediaAnswerPlan
    let options: AnswerOptions
    let setup: DTLSSetup

    var mid: String { offered.mid ?? "" }

    func build() -> (MediaDescription, NegotiatedMedia) {
        let capabilities: [CodecCapability]
        switch offered.kind {
        case "audio": capabilities = options.audioCodecs
        case "video": capabilities = options.videoCodecs
        default: return reject()
        }
        guard !offered.isRejected, plan.role != .reject, offered.isRTP, offered.proto.hasSuffix("SAVPF") else {
            return reject()
        }
        let offeredCodecs = offered.codecs
        var chosen: RTPCodecDescription?
        var capability: CodecCapability?
        for codec in offeredCodecs {
            if let match = capabilities.first(where: { $0.matches(codec) }) {
                chosen = codec
                capability = match
                break
            }
        }
        guard var codec = chosen, let capability else { return reject() }
        let allowed = Set(capability.rtcpFeedback.map(normalizeFeedback))
        var seen = Set<String>()
        codec.rtcpFeedback = codec.rtcpFeedback.map(normalizeFeedback).filter { allowed.contains($0) && seen.insert($0).inserted }
        let rtx = options.acceptRTX
            ? offeredCodecs.first { $0.rtxApt == codec.payloadType && $0.clockRate == codec.clockRate } : nil
        let extensions = offered.extensions.filter { options.extensionURIs.contains($0.uri) }

        let direction: MediaDirection
        switch plan.role {
        case .receive: direction = offeredDirection.sends ? .recvonly : .inactive
        case .send: direction = offeredDirection.receives ? .sendonly : .inactive
        case .inactive, .reject: direction = .inactive
        }

        var section = MediaDescription(kind: offered.kind, port: 9, proto: offered.proto,
                                       formats: ["\(codec.payloadType)"] + (rtx.map { ["\($0.payloadType)"] } ?? []),
                                       connection: "IN IP4 0.0.0.0")
        section.add("mid", mid)
        section.add("ice-ufrag", options.iceUfrag)
        section.add("ice-pwd", options.icePwd)
        section.add("fingerprint", "sha-256 \(options.fingerprintSHA256)")
        section.add("setup", setup.rawValue)
        for (index, address) in options.candidateAddresses.enumerated() {
            section.add("candidate", hostCandidate(foundation: index + 1, address: address, port: options.candidatePort,
                                                   localPreference: 65535 - index))
        }
        section.add("end-of-candidates")
        for ext in extensions {
            var answered = HeaderExtension(id: ext.id, uri: ext.uri)
            answered.direction = ext.direction?.reversed
            section.add("extmap", answered.attributeValue)
        }
        section.add(direction.rawValue)
        section.add("rtcp-mux")
        if offered.rtcpReducedSize { section.add("rtcp-rsize") }
        section.add("rtpmap", "\(codec.payloadType) \(codec.rtpmapValue)")
        for feedback in codec.rtcpFeedback { section.add("rtcp-fb", "\(codec.payloadType) \(feedback)") }
        if let fmtp = codec.fmtp { section.add("fmtp", "\(codec.payloadType) \(fmtp)") }
        if let rtx {
            section.add("rtpmap", "\(rtx.payloadType) \(rtx.rtpmapValue)")
            section.add("fmtp", "\(rtx.payloadType) \(rtx.fmtp ?? "apt=\(codec.payloadType)")")
        }
        if case let .send(ssrc, rtxSSRC, cname, streamID, trackID) = plan.role, direction == .sendonly {
            section.add("msid", "\(streamID) \(trackID)")
            let rtxSSRC = rtx == nil ? nil : rtxSSRC
            if let rtxSSRC { section.add("ssrc-group", "FID \(ssrc) \(rtxSSRC)") }
            for source in [ssrc] + (rtxSSRC.map { [$0] } ?? []) {
                section.add("ssrc", "\(source) cname:\(cname)")
                section.add("ssrc", "\(source) msid:\(streamID) \(trackID)")
            }
        }

        var result = NegotiatedMedia(mid: mid, kind: offered.kind, direction: direction, codec: codec,
                                     rtxPayloadType: rtx?.payloadType,
                                     rtcpFeedback: codec.rtcpFeedback, rtcpReducedSize: offered.rtcpReducedSize)
        for ext in extensions { result.extensionIDs[ext.uri] = ext.id }
        if direction == .recvonly, let remote = offered.primarySSRC {
            result.remoteSSRC = remote.ssrc
            result.remoteRTXSSRC = rtx == nil ? nil : remote.rtx
        }
        return (section, result)
    }

    func reject() -> (MediaDescription, NegotiatedMedia) {
        var section = MediaDescription(kind: offered.kind, port: 0, proto: offered.proto,
                                       formats: [offered.formats.first ?? "0"], connection: "IN IP4 0.0.0.0")
        section.add("mid", mid)
        section.add(MediaDirection.inactive.rawValue)
        return (section, NegotiatedMedia(mid: mid, kind: offered.kind, direction: .inactive, rejected: true))
    }
}

/// `nack  PLI` → `nack pli`: rtcp-fb values compare case-insensitively with single spaces.
func normalizeFeedback(_ value: String) -> String {
    value.lowercased().split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
}

/// One host candidate of the server's (RFC 8445 §5.1.2.1 priority, component 1): each address its own foundation,
/// the earlier one the higher local preference.
private func hostCandidate(foundation: Int, address: String, port: Int, localPreference: Int) -> String {
    let priority = 126 << 24 | localPreference << 8 | (256 - 1)
    return "\(foundation) 1 udp \(priority) \(address) \(port) typ host"
}
