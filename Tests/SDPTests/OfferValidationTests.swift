import Testing
@testable import SDP

/// Removes or replaces lines of a fixture (lines compared without their CRLF).
func edit(_ text: String, _ transform: (String) -> String?) -> String {
    text.split(separator: "\r\n", omittingEmptySubsequences: true).compactMap { transform(String($0)) }
        .joined(separator: "\r\n") + "\r\n"
}

func parseError(_ text: String) -> SDPError? {
    do {
        _ = try SessionDescription(parsing: text)
        return nil
    } catch {
        return error
    }
}

func offerError(_ text: String) -> SDPError? {
    do {
        _ = try WebRTCOffer(parsing: text)
        return nil
    } catch {
        return error
    }
}

@Suite("Parse errors")
struct ParseErrorTests {
    @Test func garbage() {
        #expect(parseError("hello world")?.description == "line 1: expected <type>=<value>, got \"hello world\"")
        #expect(parseError("")?.description == "line 1: empty description: no v=0 line")
        #expect(parseError("\u{0}\u{1}binary")?.line == 1)
        #expect(parseError("v=0\no=- 1 1 IN IP4 0.0.0.0\ns=-\nt=0 0\nX=1\n")?.description
            == "line 5: line type must be a lowercase letter, got \"X\"")
    }

    @Test func structure() {
        #expect(parseError("o=- 1 1 IN IP4 0.0.0.0\nv=0\n")?.description == "line 1: the first line must be v=0")
        #expect(parseError("v=1\n")?.description == "line 1: unsupported version v=1")
        #expect(parseError("v=0\ns=-\nt=0 0\n")?.description == "missing o= line")
        #expect(parseError("v=0\no=- 1 1 IN IP4 0.0.0.0\ns=-\n")?.description == "missing t= line")
        #expect(parseError("v=0\no=- 1 IN\ns=-\nt=0 0\n")?.line == 2)
        #expect(parseError("v=0\no=- 1 1 IN IP4 0.0.0.0\ns=-\nt=0 0\nm=audio 9 UDP/TLS/RTP/SAVPF\n")?.description
            == "line 5: m= line needs <media> <port> <proto> <fmt>..., got \"m=audio 9 UDP/TLS/RTP/SAVPF\"")
        #expect(parseError("v=0\no=- 1 1 IN IP4 0.0.0.0\ns=-\nt=0 0\nm=audio nine RTP/AVP 0\n")?.description
            == "line 5: m= line has an invalid port \"nine\"")
        #expect(parseError("v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\nm=audio 9 RTP/AVP 0\r\ns=again\r\n")?
            .description == "line 6: s= is not allowed inside a media section")
        #expect(parseError("v=0\no=- 1 1 IN IP4 0.0.0.0\ns=-\nt=0 0\nb=AS\n")?.line == 5)
    }

    @Test func minimalAndOddLinesSurvive() throws {
        let text = "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=x\r\ni=info\r\nc=IN IP4 10.0.0.1\r\nb=AS:100\r\nt=0 0\r\n"
            + "r=7d 1h 0 25h\r\na=recvonly\r\nm=audio 49170/2 RTP/AVP 0 97\r\ni=mic\r\nc=IN IP4 10.0.0.2\r\n"
            + "b=TIAS:64000\r\nk=prompt\r\na=rtpmap:97 L16/16000/2\r\na=rtcp-fb:* nack\r\n"
        let sdp = try SessionDescription(parsing: text)
        #expect(sdp.serialize() == text)
        #expect(sdp.connection == "IN IP4 10.0.0.1")
        #expect(sdp.bandwidths == [SDPBandwidth(type: "AS", value: 100)])
        #expect(sdp.media[0].portCount == 2)
        #expect(sdp.media[0].explicitDirection == nil)
        #expect(sdp.direction(forMedia: 0) == .recvonly)  // session-level direction applies
        #expect(sdp.media[0].codecs == [
            RTPCodecDescription(payloadType: 0, name: "PCMU", clockRate: 8000, rtcpFeedback: ["nack"]),
            RTPCodecDescription(payloadType: 97, name: "L16", clockRate: 16000, channels: 2, rtcpFeedback: ["nack"]),
        ])
    }

    @Test func directionSetter() throws {
        var section = try Fixture.parse("chromium-offer-sendrecv.sdp").media[0]
        section.direction = .inactive
        #expect(section.direction == .inactive)
        #expect(section.attributes.filter { MediaDirection(rawValue: $0.name) != nil }.count == 1)
    }
}

@Suite("WebRTC offer validation")
struct OfferValidationTests {
    @Test func capturedOffersAreValid() throws {
        let chromium = try WebRTCOffer(Fixture.parse("chromium-offer-sendrecv.sdp"))
        #expect(chromium.iceUfrag == "sPeR")
        #expect(chromium.setup == .actpass)
        #expect(chromium.fingerprint.algorithm == "sha-256")
        #expect(chromium.bundleMids == ["0", "1", "2", "3"])
        #expect(chromium.extmapAllowMixed)

        let firefox = try WebRTCOffer(Fixture.parse("firefox-offer-sendrecv.sdp"))
        #expect(firefox.iceUfrag == "31a53083")
        #expect(firefox.fingerprint.value.hasPrefix("E5:EC:DC"))

        let aiortc = try WebRTCOffer(Fixture.parse("aiortc-offer.sdp"))
        #expect(aiortc.fingerprint.value.hasPrefix("EC:67:63"))
        #expect(!aiortc.extmapAllowMixed)

        for name in Fixture.all { _ = try WebRTCOffer(Fixture.parse(name)) }
    }

    @Test func missingPieces() throws {
        let text = try Fixture.text("chromium-offer-sendrecv.sdp")
        #expect(offerError(edit(text) { $0.hasPrefix("a=fingerprint") ? nil : $0 })?.description
            == "m-line 0 (audio) has no a=fingerprint")
        #expect(offerError(edit(text) { $0 == "a=mid:1" ? nil : $0 })?.description == "m-line 1 (video) has no a=mid")
        #expect(offerError(edit(text) { $0.hasPrefix("a=ice-ufrag") ? nil : $0 })?.description
            == "m-line 0 (audio) has no ice-ufrag")
        #expect(offerError(edit(text) { $0.hasPrefix("a=ice-pwd") ? nil : $0 })?.description
            == "m-line 0 (audio) has no ice-pwd")
        #expect(offerError(edit(text) { $0.hasPrefix("a=setup") ? nil : $0 })?.description
            == "m-line 0 (audio) has no valid a=setup")
        #expect(offerError(edit(text) { $0 == "a=rtcp-mux" ? nil : $0 })?.description
            == "m-line 0 (audio) has no a=rtcp-mux (rtcp-mux is required)")
        #expect(offerError(edit(text) { $0.hasPrefix("a=group:BUNDLE") ? nil : $0 })?.description
            == "offer has no a=group:BUNDLE (BUNDLE is required)")
        #expect(offerError(edit(text) { $0.hasPrefix("a=group:BUNDLE") ? "a=group:BUNDLE 0 1 2" : $0 })?.description
            == "m-line 3 (video) is not in the BUNDLE group (BUNDLE is required)")
        #expect(offerError(edit(text) { $0 == "a=mid:3" ? "a=mid:2" : $0 })?.description
            == "m-line 3 (video) repeats mid \"2\"")
        #expect(offerError(edit(text) { $0.hasPrefix("a=fingerprint:sha-256")
            ? "a=fingerprint:sha-1 AB:CD" : $0 })?.description
            == "m-line 0 (audio) has no sha-256 fingerprint (only sha-1)")
        #expect(offerError(edit(text) { $0 == "a=ice-ufrag:sPeR" ? "a=ice-ufrag:other" : $0 })?.description
            == nil)  // all m-lines changed alike: still one transport
        var once = false
        let split = edit(text) { line in
            if line == "a=ice-ufrag:sPeR", once { return "a=ice-ufrag:other" }
            if line == "a=ice-ufrag:sPeR" { once = true }
            return line
        }
        #expect(offerError(split)?.description == "m-line 1 (video) has ICE credentials different from m-line 0")
        #expect(offerError("v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\n")?.description == "offer has no m-lines")
        #expect(offerError("garbage")?.description == "line 1: expected <type>=<value>, got \"garbage\"")
    }

    @Test func rejectedLinesNeedOnlyAMid() throws {
        let text = try Fixture.text("chromium-offer-sendrecv.sdp")
        var index = -1
        let rejected = edit(text) { line in
            if line.hasPrefix("m=") { index += 1 }
            if index == 3 {
                if line.hasPrefix("m=video 9 ") { return line.replacingPrefix("m=video 9 ", with: "m=video 0 ") }
                if line.hasPrefix("a=ice") || line.hasPrefix("a=fingerprint") || line == "a=rtcp-mux" { return nil }
            }
            return line
        }
        let offer = try WebRTCOffer(parsing: rejected)
        #expect(offer.media[3].isRejected)
    }

    @Test func firefoxSessionLevelFingerprintIsEnough() throws {
        let text = try Fixture.text("firefox-offer-sendrecv.sdp")
        #expect(offerError(edit(text) { $0.hasPrefix("a=fingerprint") ? nil : $0 })?.description
            == "m-line 0 (audio) has no a=fingerprint")
    }
}

extension String {
    func replacingPrefix(_ prefix: String, with replacement: String) -> String {
        hasPrefix(prefix) ? replacement + dropFirst(prefix.count) : self
    }
}
