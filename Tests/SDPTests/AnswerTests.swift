import Testing
@testable import SDP

let fingerprint = "AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99"
let options = AnswerOptions(iceUfrag: "srvU", icePwd: "serverpasswordserverpass", fingerprintSHA256: fingerprint,
                            candidateAddresses: ["127.0.0.1"], candidatePort: 40000, sessionID: 4242, sessionVersion: 7)
let tw = "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01"
let absSendTime = "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time"
let midURI = "urn:ietf:params:rtp-hdrext:sdes:mid"
let audioLevel = "urn:ietf:params:rtp-hdrext:ssrc-audio-level"

/// Publish mids 0 and 1, subscribe on 2 and 3: the shape of PROTOCOL.md §7 "Join and publish".
let publishSubscribePlans: [String: MediaAnswerPlan] = [
    "0": .receive, "1": .receive,
    "2": .send(ssrc: 1111, cname: "classbridge", streamID: "P-9f8e", trackID: "T-aud1"),
    "3": .send(ssrc: 2222, rtxSSRC: 3333, cname: "classbridge", streamID: "P-9f8e", trackID: "T-ab12"),
]

func answer(_ fixture: String, _ plans: [String: MediaAnswerPlan], _ options: AnswerOptions = options) throws
    -> (answer: SessionDescription, negotiated: [NegotiatedMedia]) {
    buildAnswer(offer: try WebRTCOffer(Fixture.parse(fixture)), plans: plans, options: options)
}

@Suite("Answer building")
struct AnswerTests {
    @Test func chromiumPublishAndSubscribe() throws {
        let (built, negotiated) = try answer("chromium-offer-sendrecv.sdp", publishSubscribePlans)
        let text = built.serialize()
        let sdp = try SessionDescription(parsing: text)
        #expect(sdp == built)
        #expect(text.hasPrefix("v=0\r\no=- 4242 7 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\na=ice-lite\r\n"))
        #expect(sdp.iceLite)
        #expect(sdp.bundleGroups == [["0", "1", "2", "3"]])
        #expect(sdp.extmapAllowMixed)
        #expect(sdp.attributes.contains(SDPAttribute("msid-semantic", " WMS *")))
        #expect(sdp.media.map(\.mid) == ["0", "1", "2", "3"])
        #expect(sdp.media.map(\.direction) == [.recvonly, .recvonly, .sendonly, .sendonly])
        #expect(negotiated.map(\.direction) == [.recvonly, .recvonly, .sendonly, .sendonly])
        for (index, section) in sdp.media.enumerated() {
            #expect(section.port == 9)
            #expect(section.proto == "UDP/TLS/RTP/SAVPF")
            #expect(section.attribute("candidate") == "1 1 udp 2130706431 127.0.0.1 40000 typ host")
            #expect(section.hasAttribute("end-of-candidates"))
            #expect(section.iceUfrag == "srvU" && section.icePwd == "serverpasswordserverpass")
            #expect(section.fingerprints == [Fingerprint(algorithm: "sha-256", value: fingerprint)])
            #expect(section.setup == .passive)
            #expect(section.rtcpMux && section.rtcpReducedSize)
            #expect(WebRTCOffer.name(index, section).hasPrefix("m-line \(index)"))
        }
        // Opus with the offer's PT and fmtp, feedback intersected.
        let opus = try #require(negotiated[0].codec)
        #expect(opus == RTPCodecDescription(payloadType: 111, name: "opus", clockRate: 48000, channels: 2,
                                            fmtp: "minptime=10;useinbandfec=1", rtcpFeedback: ["transport-cc"]))
        #expect(sdp.media[0].formats == ["111"])
        #expect(sdp.media[0].codecs == [opus])
        #expect(negotiated[0].rtxPayloadType == nil)
        // VP8 + RTX.
        #expect(sdp.media[1].formats == ["96", "97"])
        #expect(negotiated[1].codec?.payloadType == 96 && negotiated[1].codec?.name == "VP8")
        #expect(negotiated[1].rtxPayloadType == 97)
        #expect(sdp.media[1].codecs.map(\.payloadType) == [96, 97])
        #expect(sdp.media[1].codecs[1].rtxApt == 96)
        #expect(negotiated[1].rtcpFeedback == ["goog-remb", "transport-cc", "ccm fir", "nack", "nack pli"])
        #expect(sdp.media[1].codecs[0].rtcpFeedback == negotiated[1].rtcpFeedback)
        // Extensions: only the supported ones, with the offer's ids.
        #expect(negotiated[0].extensionIDs == [audioLevel: 1, absSendTime: 2, tw: 3, midURI: 4])
        #expect(negotiated[1].extensionIDs == [absSendTime: 2, tw: 3, midURI: 4])
        #expect(sdp.media[1].extensions.map(\.id) == [2, 3, 4])
        // The client's SSRCs on what it publishes.
        #expect(negotiated[0].remoteSSRC == 78575886 && negotiated[0].remoteRTXSSRC == nil)
        #expect(negotiated[1].remoteSSRC == 4166625112 && negotiated[1].remoteRTXSSRC == 3755787506)
        #expect(negotiated[2].remoteSSRC == nil && negotiated[3].remoteSSRC == nil)
        // What the server sends.
        #expect(sdp.media[2].msid == MediaStreamID(stream: "P-9f8e", track: "T-aud1"))
        #expect(sdp.media[2].ssrcGroups.isEmpty)
        #expect(sdp.media[2].ssrcValues == [1111])
        #expect(sdp.media[3].msid == MediaStreamID(stream: "P-9f8e", track: "T-ab12"))
        #expect(sdp.media[3].ssrcGroups == [SSRCGroup(semantics: "FID", ssrcs: [2222, 3333])])
        #expect(sdp.media[3].ssrcs.contains(SSRCAttribute(ssrc: 3333, name: "cname", value: "classbridge")))
        #expect(sdp.media[0].msid == nil && sdp.media[0].ssrcs.isEmpty)
    }


    /// A dual-stack server announces an IPv4 and an IPv6 address: a host candidate each, in that order of
    /// preference, with their own foundations (RFC 8445 §5.1.1.3) and priorities (§5.1.2.1).
    @Test func oneHostCandidatePerAnnouncedAddress() throws {
        var dualStack = options
        dualStack.candidateAddresses = ["203.0.113.7", "2001:db8::7"]
        let (built, _) = try answer("chromium-offer-sendrecv.sdp", publishSubscribePlans, dualStack)
        let sdp = try SessionDescription(parsing: built.serialize())
        for section in sdp.media {
            let candidates = section.attributes.filter { $0.name == "candidate" }.map(\.value)
            #expect(candidates == ["1 1 udp 2130706431 203.0.113.7 40000 typ host",
                                   "2 1 udp 2130706175 2001:db8::7 40000 typ host"])
            #expect(section.hasAttribute("end-of-candidates"))
        }
    }
    @Test func directionsFollowTheOffer() throws {
        // receive on a recvonly m-line, send on a sendonly one, no plan, inactive offered: all inactive.
        let (built, negotiated) = try answer("chromium-offer-renegotiation.sdp", [
            "0": .send(ssrc: 1, cname: "c", streamID: "s", trackID: "t"), "2": .receive,
            "3": .send(ssrc: 2, cname: "c", streamID: "s", trackID: "t"),
        ])
        #expect(negotiated.map(\.direction) == [.inactive, .inactive, .inactive, .inactive])
        #expect(built.media.allSatisfy { $0.ssrcs.isEmpty && $0.msid == nil && $0.port == 9 })
        #expect(negotiated.allSatisfy { $0.codec != nil && !$0.rejected && $0.remoteSSRC == nil })
        #expect(built.bundleGroups == [["0", "1", "2", "3"]])
    }

    @Test func rejectAndUnsupported() throws {
        var noVideo = options
        noVideo.videoCodecs = []
        let (built, negotiated) = try answer("chromium-offer-sendrecv.sdp", ["0": .reject, "1": .receive], noVideo)
        #expect(built.media.map(\.port) == [0, 0, 9, 0])
        #expect(built.media[0].formats == ["111"] && built.media[1].formats == ["96"])
        #expect(built.media[0].mid == "0" && built.media[1].mid == "1")
        #expect(negotiated.map(\.rejected) == [true, true, false, true])
        #expect(negotiated[0].codec == nil && negotiated[0].direction == .inactive)
        #expect(built.bundleGroups == [["2"]])
        _ = try SessionDescription(parsing: built.serialize())
    }

    @Test func dataChannelIsRejected() throws {
        let text = try Fixture.text("chromium-offer-sendrecv.sdp")
        let withData = edit(text) { $0.hasPrefix("a=group:BUNDLE") ? $0 + " 4" : $0 }
            + "m=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\nc=IN IP4 0.0.0.0\r\na=mid:4\r\n"
            + "a=ice-ufrag:sPeR\r\na=ice-pwd:gOok5fM4srTQWMjWnxRPwlhi\r\n"
            + "a=fingerprint:sha-256 " + (try Fixture.parse("chromium-offer-sendrecv.sdp").media[0].fingerprints[0].value)
            + "\r\na=setup:actpass\r\na=sctp-port:5000\r\na=max-message-size:262144\r\n"
        let offer = try WebRTCOffer(parsing: withData)
        let (built, negotiated) = buildAnswer(offer: offer, plans: ["4": .receive], options: options)
        #expect(built.media[4].port == 0)
        #expect(built.media[4].proto == "UDP/DTLS/SCTP" && built.media[4].formats == ["webrtc-datachannel"])
        #expect(negotiated[4].rejected && negotiated[4].kind == "application")
        #expect(built.bundleGroups == [["0", "1", "2", "3"]])
    }

    @Test(arguments: [(DTLSSetup.actpass, DTLSSetup.passive, DTLSSetup.passive),
                      (.actpass, .active, .active), (.active, .active, .passive), (.passive, .passive, .active)])
    func setupRole(offered: DTLSSetup, configured: DTLSSetup, expected: DTLSSetup) throws {
        let text = edit(try Fixture.text("aiortc-offer.sdp")) {
            $0.hasPrefix("a=setup:") ? "a=setup:\(offered.rawValue)" : $0
        }
        var options = options
        options.setup = configured
        let (built, _) = buildAnswer(offer: try WebRTCOffer(parsing: text), plans: [:], options: options)
        #expect(built.media.allSatisfy { $0.setup == expected })
    }

    @Test func withoutRTX() throws {
        var options = options
        options.acceptRTX = false
        let (built, negotiated) = try answer("chromium-offer-sendrecv.sdp", publishSubscribePlans, options)
        #expect(built.media[1].formats == ["96"])
        #expect(negotiated[1].rtxPayloadType == nil && negotiated[1].remoteRTXSSRC == nil)
        #expect(negotiated[1].remoteSSRC == 4166625112)
        #expect(built.media[3].ssrcGroups.isEmpty && built.media[3].ssrcValues == [2222])
    }

    @Test func firefox() throws {
        var options = options
        options.extensionURIs += ["urn:ietf:params:rtp-hdrext:csrc-audio-level"]
        let (built, negotiated) = try answer("firefox-offer-sendrecv.sdp", publishSubscribePlans, options)
        #expect(built.media.map(\.port) == [9, 9, 9, 9])  // bundle-only m-lines are accepted
        #expect(negotiated.map(\.direction) == [.recvonly, .recvonly, .sendonly, .sendonly])
        #expect(negotiated[0].codec?.payloadType == 109)
        #expect(negotiated[0].codec?.fmtp == "maxplaybackrate=48000;stereo=1;useinbandfec=1")
        #expect(negotiated[1].codec?.payloadType == 120 && negotiated[1].rtxPayloadType == 124)
        #expect(negotiated[1].remoteSSRC == 2609612029 && negotiated[1].remoteRTXSSRC == 233033793)
        #expect(negotiated[0].extensionIDs == [audioLevel: 1, "urn:ietf:params:rtp-hdrext:csrc-audio-level": 2,
                                               midURI: 3, tw: 7])
        // The offerer only receives csrc-audio-level: the answer only sends it.
        #expect(built.media[0].extensions[1].direction == .sendonly)
        #expect(built.extmapAllowMixed)
        #expect(built.bundleGroups == [["0", "1", "2", "3"]])
    }

    @Test func aiortc() throws {
        let (built, negotiated) = try answer("aiortc-offer.sdp", ["0": .receive, "1": .receive])
        #expect(negotiated.map(\.direction) == [.recvonly, .recvonly])
        #expect(negotiated[0].codec?.payloadType == 96 && negotiated[0].codec?.fmtp == nil)
        #expect(negotiated[0].rtcpFeedback.isEmpty)
        #expect(negotiated[1].codec?.payloadType == 97 && negotiated[1].rtxPayloadType == 98)
        #expect(negotiated[1].rtcpFeedback == ["nack", "nack pli", "goog-remb"])
        #expect(negotiated[1].remoteSSRC == 3513944666 && negotiated[1].remoteRTXSSRC == 4283176857)
        #expect(built.media.allSatisfy { !$0.rtcpReducedSize })
        #expect(!built.extmapAllowMixed)
        #expect(negotiated[1].extensionIDs == [midURI: 1, absSendTime: 3])
    }
}
