import Testing
@testable import SDP

@Suite("Parsing captured offers")
struct ParseFixtureTests {
    @Test("serialize → parse gives an equal value, and the exact captured text", arguments: Fixture.all)
    func roundTrip(name: String) throws {
        let text = try Fixture.text(name)
        let parsed = try SessionDescription(parsing: text)
        let serialized = parsed.serialize()
        #expect(try SessionDescription(parsing: serialized) == parsed)
        #expect(serialized == text)
        #expect(serialized.hasPrefix("v=0\r\n"))
    }

    @Test("LF-only input parses like CRLF", arguments: Fixture.all)
    func lineFeedsOnly(name: String) throws {
        let text = try Fixture.text(name)
        let lf = String(text.unicodeScalars.filter { $0 != "\r" }.map(Character.init))
        #expect(try SessionDescription(parsing: lf) == SessionDescription(parsing: text))
    }

    @Test func chromiumSendRecv() throws {
        let sdp = try Fixture.parse("chromium-offer-sendrecv.sdp")
        #expect(sdp.origin == "- 1039395712867344465 2 IN IP4 127.0.0.1")
        #expect(sdp.bundleGroups == [["0", "1", "2", "3"]])
        #expect(sdp.extmapAllowMixed)
        #expect(!sdp.iceLite)
        #expect(sdp.media.map(\.kind) == ["audio", "video", "audio", "video"])
        #expect(sdp.media.map(\.mid) == ["0", "1", "2", "3"])
        #expect(sdp.media.map(\.direction) == [.sendonly, .sendonly, .recvonly, .recvonly])
        #expect(sdp.media.allSatisfy { $0.rtcpMux && $0.rtcpReducedSize && !$0.isRejected && $0.isRTP })

        let audio = sdp.media[0]
        #expect(audio.port == 9)
        #expect(audio.proto == "UDP/TLS/RTP/SAVPF")
        #expect(audio.connection == "IN IP4 0.0.0.0")
        #expect(audio.iceUfrag == "sPeR")
        #expect(audio.icePwd == "gOok5fM4srTQWMjWnxRPwlhi")
        #expect(audio.setup == .actpass)
        #expect(audio.fingerprints == [Fingerprint(algorithm: "sha-256", value:
            "8E:8E:37:2D:67:4B:E8:0B:4B:A7:0C:A6:59:74:E8:0E:A9:FC:0B:93:F6:C2:0E:19:03:39:64:48:81:18:7E:0E")])
        #expect(audio.codecs.map(\.payloadType) == [111, 63, 9, 0, 8, 13, 110, 126])
        #expect(audio.codecs[0] == RTPCodecDescription(payloadType: 111, name: "opus", clockRate: 48000, channels: 2,
                                                       fmtp: "minptime=10;useinbandfec=1",
                                                       rtcpFeedback: ["transport-cc"]))
        #expect(audio.codecs[0].parameters == ["minptime": "10", "useinbandfec": "1"])
        #expect(audio.codecs[3] == RTPCodecDescription(payloadType: 0, name: "PCMU", clockRate: 8000))
        #expect(audio.extensions.map(\.id) == [1, 2, 3, 4])
        #expect(audio.extensions[0].uri == "urn:ietf:params:rtp-hdrext:ssrc-audio-level")
        #expect(audio.extensions[3] == HeaderExtension(id: 4, uri: "urn:ietf:params:rtp-hdrext:sdes:mid"))
        #expect(audio.ssrcs == [
            SSRCAttribute(ssrc: 78575886, name: "cname", value: "4XEWpKYfBCDlgVH6"),
            SSRCAttribute(ssrc: 78575886, name: "msid",
                          value: "263e87d8-bf26-4424-bf02-d39c0d34fd51 07bbf4ef-5650-4354-b687-7a8154585765"),
        ])
        #expect(audio.ssrcGroups.isEmpty)
        #expect(audio.primarySSRC?.ssrc == 78575886 && audio.primarySSRC?.rtx == nil)
        #expect(audio.msid == MediaStreamID(stream: "263e87d8-bf26-4424-bf02-d39c0d34fd51",
                                            track: "07bbf4ef-5650-4354-b687-7a8154585765"))

        let video = sdp.media[1]
        let vp8 = try #require(video.codecs.first)
        #expect(vp8.payloadType == 96 && vp8.name == "VP8" && vp8.clockRate == 90000 && vp8.channels == nil)
        #expect(vp8.rtcpFeedback == ["goog-remb", "transport-cc", "ccm fir", "nack", "nack pli"])
        #expect(vp8.rtxApt == nil)
        #expect(video.codecs[1].name == "rtx" && video.codecs[1].payloadType == 97 && video.codecs[1].rtxApt == 96)
        #expect(video.codecs.filter { $0.name == "H264" }.map(\.payloadType) == [102, 104, 108, 114, 116, 39])
        #expect(video.extensions.first { $0.uri.hasSuffix("sdes:mid") }?.id == 4)
        #expect(video.extensions.first { $0.uri.hasSuffix("transport-wide-cc-extensions-01") }?.id == 3)
        #expect(video.extensions.first?.id == 14)
        #expect(video.ssrcGroups == [SSRCGroup(semantics: "FID", ssrcs: [4166625112, 3755787506])])
        #expect(video.ssrcValues == [4166625112, 3755787506])
        #expect(video.primarySSRC?.ssrc == 4166625112 && video.primarySSRC?.rtx == 3755787506)

        #expect(sdp.media[2].ssrcs.isEmpty && sdp.media[2].msid == nil)
        #expect(sdp.media[3].codecs.count == 34)
        #expect(sdp.iceCredentials(forMedia: 3)?.ufrag == "sPeR")
        #expect(sdp.setup(forMedia: 2) == .actpass)
    }

    @Test func chromiumRecvOnlyAndRenegotiation() throws {
        let recv = try Fixture.parse("chromium-offer-recvonly.sdp")
        #expect(recv.media.map(\.direction) == [.recvonly, .recvonly])
        #expect(recv.media.allSatisfy { $0.ssrcs.isEmpty })
        #expect(recv.attributes.first { $0.name == "msid-semantic" }?.value == " WMS")

        let reneg = try Fixture.parse("chromium-offer-renegotiation.sdp")
        #expect(reneg.origin.split(separator: " ")[2] == "3")
        #expect(reneg.media.map(\.direction) == [.sendonly, .sendonly, .recvonly, .inactive])
        #expect(reneg.media.map(\.port) == [60308, 51435, 43963, 52325])
        #expect(reneg.media[1].primarySSRC?.ssrc == 3468310141 && reneg.media[1].primarySSRC?.rtx == 1621012655)
        #expect(reneg.media[0].attributes.filter { $0.name == "candidate" }.count > 0)
    }

    @Test func firefoxSendRecv() throws {
        let sdp = try Fixture.parse("firefox-offer-sendrecv.sdp")
        #expect(sdp.origin.hasPrefix("mozilla...THIS_IS_SDPARTA-99.0 "))
        #expect(sdp.bundleGroups == [["0", "1", "2", "3"]])
        #expect(sdp.media.map(\.mid) == ["0", "1", "2", "3"])
        #expect(sdp.media.map(\.direction) == [.sendonly, .sendonly, .recvonly, .recvonly])
        // Session-level fingerprint only: media sections fall back to it.
        #expect(sdp.media.allSatisfy { $0.fingerprints.isEmpty })
        let expected = Fingerprint(algorithm: "sha-256", value:
            "E5:EC:DC:58:98:6D:6D:2C:58:16:D9:C2:B8:C1:04:64:69:50:27:9D:59:F0:54:16:C1:7A:57:4D:CF:AE:B7:9C")
        #expect(sdp.fingerprint(forMedia: 1) == expected)
        #expect(sdp.iceCredentials(forMedia: 2)! == ("31a53083", "45c8321126022c79435bda63c4d852aa"))
        #expect(sdp.direction(forMedia: 0) == .sendonly)
        // Port 0 + bundle-only: not rejected.
        #expect(sdp.media.map(\.port) == [9, 9, 0, 0])
        #expect(sdp.media.map(\.isRejected) == [false, false, false, false])
        #expect(sdp.extmapAllowMixed)

        let audio = sdp.media[0]
        #expect(audio.codecs.map(\.payloadType) == [109, 9, 0, 8, 101])
        #expect(audio.codecs[0].fmtp == "maxplaybackrate=48000;stereo=1;useinbandfec=1")
        #expect(audio.codecs[1] == RTPCodecDescription(payloadType: 9, name: "G722", clockRate: 8000, channels: 1,
                                                       rtcpFeedback: ["transport-cc"]))
        #expect(audio.extensions[1] == HeaderExtension(id: 2, uri: "urn:ietf:params:rtp-hdrext:csrc-audio-level",
                                                       direction: .recvonly))
        #expect(audio.msid?.stream == "{9f29ccb9-bf75-4781-8f7c-891c5eb98e77}")

        let video = sdp.media[1]
        #expect(video.codecs.map(\.payloadType) == [120, 124, 121, 125, 99, 100, 123, 122, 119])
        #expect(video.codecs.first { $0.rtxApt == 120 }?.payloadType == 124)
        #expect(video.codecs.first { $0.rtxApt == 122 }?.payloadType == 119)
        #expect(video.extensions.map(\.id) == [3, 4, 5, 6, 7])
        #expect(video.extensions[3].direction == .recvonly)
        #expect(video.ssrcGroups == [SSRCGroup(semantics: "FID", ssrcs: [2609612029, 233033793])])
        #expect(video.primarySSRC?.ssrc == 2609612029 && video.primarySSRC?.rtx == 233033793)
    }

    @Test func firefoxRecvOnly() throws {
        let sdp = try Fixture.parse("firefox-offer-recvonly.sdp")
        #expect(sdp.media.map(\.direction) == [.recvonly, .recvonly])
        #expect(sdp.media[0].codecs.first?.name == "opus")
        #expect(sdp.media[1].codecs.first?.name == "VP8")
    }

    @Test func aiortc() throws {
        let sdp = try Fixture.parse("aiortc-offer.sdp")
        #expect(sdp.bundleGroups == [["0", "1"]])
        #expect(!sdp.extmapAllowMixed)
        #expect(sdp.media.map(\.direction) == [.sendrecv, .sendrecv])
        #expect(sdp.media.allSatisfy { $0.rtcpMux && !$0.rtcpReducedSize })
        #expect(sdp.media[0].fingerprints.map(\.algorithm) == ["sha-256", "sha-384", "sha-512"])
        #expect(sdp.media[0].codecs.map(\.payloadType) == [96, 9, 0, 8])
        #expect(sdp.media[0].codecs[0].name == "opus" && sdp.media[0].codecs[0].fmtp == nil)
        #expect(sdp.media[1].codecs.map(\.name) == ["VP8", "rtx", "H264", "rtx", "H264", "rtx"])
        #expect(sdp.media[1].codecs[1].rtxApt == 97)
        #expect(sdp.media[1].extensions.map(\.id) == [1, 3])
        #expect(sdp.media[1].ssrcGroups == [SSRCGroup(semantics: "FID", ssrcs: [3513944666, 4283176857])])
        #expect(sdp.media[0].connection == "IN IP4 192.0.2.2")
    }
}
