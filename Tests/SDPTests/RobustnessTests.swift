import Testing
@testable import SDP

/// Mutated captured offers must never trap: each either fails with an `SDPError` or gives an answer that parses.
@Suite("Robustness")
struct RobustnessTests {
    static func exercise(_ text: String) {
        guard let offer = try? WebRTCOffer(parsing: text) else { return }
        for section in offer.media {
            _ = (section.codecs, section.extensions, section.ssrcs, section.ssrcGroups, section.msid)
        }
        var plans: [String: MediaAnswerPlan] = [:]
        for (index, section) in offer.media.enumerated() {
            plans[section.mid ?? ""] = index % 2 == 0
                ? .receive : .send(ssrc: 1, rtxSSRC: 2, cname: "c", streamID: "s", trackID: "t")
        }
        let (answer, negotiated) = buildAnswer(offer: offer, plans: plans, options: options)
        #expect(negotiated.count == offer.media.count)
        #expect((try? SessionDescription(parsing: answer.serialize())) == answer)
    }

    /// Found by `scripts/fuzz sdp`: lines out of RFC 8866 order were kept in their order but written in the RFC's,
    /// so the serialized text parsed to a different value. They are now placed when parsed.
    @Test func misplacedLinesTakeTheirPlaceWhenParsed() throws {
        let text = [
            "v=0", "o=- 1 1 IN IP4 127.0.0.1", "s=-", "t=0 0",
            "d=unknown type", "e=someone@example.org",  // e= belongs before t=; d= is no type of RFC 8866
            "m=audio 9 UDP/TLS/RTP/SAVPF 111",
            "k=prompt", "i=the teacher's microphone",   // i= belongs right after m=
            "a=mid:0", "",
        ].joined(separator: "\r\n")
        let parsed = try SessionDescription(parsing: text)
        #expect(parsed.otherLines.map(\.type) == ["e", "d"])
        #expect(parsed.media[0].otherLines.map(\.type) == ["i", "k"])
        #expect(try SessionDescription(parsing: parsed.serialize()) == parsed)
    }

    @Test("every line removed", arguments: ["chromium-offer-sendrecv.sdp", "firefox-offer-sendrecv.sdp",
                                            "aiortc-offer.sdp"])
    func lineRemoved(name: String) throws {
        let lines = try Fixture.text(name).split(separator: "\r\n").map(String.init)
        for skip in lines.indices {
            Self.exercise(lines.enumerated().filter { $0.offset != skip }.map(\.element).joined(separator: "\r\n"))
        }
    }

    @Test("truncated anywhere", arguments: Fixture.all)
    func truncated(name: String) throws {
        let text = try Fixture.text(name)
        for length in stride(from: 0, to: text.count, by: 61) { Self.exercise(String(text.prefix(length))) }
    }

    @Test func malformedAttributeValues() throws {
        let base = try Fixture.text("chromium-offer-sendrecv.sdp")
        let junk = ["a=ssrc:", "a=ssrc: ", "a=ssrc:x cname:y", "a=extmap:/ x", "a=extmap:", "a=extmap:1/bogus uri",
                    "a=extmap:999 uri", "a=rtpmap:", "a=rtpmap:96", "a=rtpmap:96 /", "a=rtpmap:300 x/1",
                    "a=fmtp:96", "a=rtcp-fb:*", "a=ssrc-group:", "a=ssrc-group:FID x", "a=msid:", "a=msid: ",
                    "a=fingerprint:", "a=setup:bogus", "a=group:", "a=mid:", "a=:", "a="]
        for line in junk {
            let text = base.replacingOccurrences(of: "a=rtcp-mux\r\n", with: "a=rtcp-mux\r\n\(line)\r\n")
            Self.exercise(text)
        }
        let odd = try SessionDescription(parsing: base.replacingOccurrences(
            of: "a=mid:1\r\n", with: "a=mid:1\r\na=ssrc:\r\na=extmap:/ x\r\na=extmap:1/bogus u\r\na=ssrc-group:FID x\r\n"))
        #expect(odd.media[1].ssrcs.count == 4)
        #expect(odd.media[1].extensions.count == 11)
        #expect(odd.media[1].ssrcGroups.count == 1)
    }
}

extension String {
    func replacingOccurrences(of target: String, with replacement: String) -> String {
        var result = ""
        var rest = self[...]
        while let range = rest.firstRange(of: target) {
            result += rest[..<range.lowerBound] + replacement
            rest = rest[range.upperBound...]
        }
        return result + rest
    }
}
