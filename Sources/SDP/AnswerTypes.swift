/// A codec the server accepts. `channels == nil` accepts any channel count; `rtcpFeedback` lists the `a=rtcp-fb`
/// values the server may negotiate for it (the answer carries the intersection with the offer).
public struct CodecCapability: Sendable, Equatable {
    public var name: String
    public var clockRate: Int
    public var channels: Int?
    public var rtcpFeedback: [String]

    public init(name: String, clockRate: Int, channels: Int? = nil, rtcpFeedback: [String] = []) {
        self.name = name
        self.clockRate = clockRate
        self.channels = channels
        self.rtcpFeedback = rtcpFeedback
    }

    /// Opus/48000/2 with transport-cc (PROTOCOL.md §4).
    public static let opus = CodecCapability(name: "opus", clockRate: 48000, channels: 2, rtcpFeedback: ["transport-cc"])
    /// VP8/90000 with NACK, PLI, FIR, REMB and transport-cc.
    public static let vp8 = CodecCapability(name: "VP8", clockRate: 90000,
                                            rtcpFeedback: ["nack", "nack pli", "ccm fir", "goog-remb", "transport-cc"])

    /// Whether an offered payload format is this codec (name case-insensitive; a missing channel count is 1).
    public func matches(_ codec: RTPCodecDescription) -> Bool {
        guard codec.name.lowercased() == name.lowercased(), codec.clockRate == clockRate else { return false }
        if let channels { return (codec.channels ?? 1) == channels }
        return true
    }
}

/// The server's side of every answer: its ICE-lite credentials and host candidates, its DTLS certificate, and what
/// it supports.
public struct AnswerOptions: Sendable {
    public var iceUfrag: String
    public var icePwd: String
    /// The server certificate's SHA-256 fingerprint, `AB:CD:...`.
    public var fingerprintSHA256: String
    /// The role answered to an `actpass` offer: `.passive` (the server is the DTLS server, the default) or `.active`.
    public var setup: DTLSSetup
    /// One host candidate each (IPv4 or IPv6 literals, all on `candidatePort`), the first preferred.
    public var candidateAddresses: [String]
    public var candidatePort: Int
    public var audioCodecs: [CodecCapability]
    public var videoCodecs: [CodecCapability]
    /// Accept RTX (RFC 4588) for the chosen codec when offered.
    public var acceptRTX: Bool
    /// Supported RTP header extension URIs; the answer keeps the offered ones among them, with the offer's ids.
    public var extensionURIs: [String]
    /// `o=` session id and version; bump the version on every renegotiation of a connection (RFC 3264 §8).
    public var sessionID: UInt64
    public var sessionVersion: UInt64

    public init(iceUfrag: String, icePwd: String, fingerprintSHA256: String, setup: DTLSSetup = .passive,
                candidateAddresses: [String], candidatePort: Int,
                audioCodecs: [CodecCapability] = [.opus], videoCodecs: [CodecCapability] = [.vp8],
                acceptRTX: Bool = true, extensionURIs: [String] = AnswerOptions.defaultExtensionURIs,
                sessionID: UInt64, sessionVersion: UInt64 = 1) {
        self.iceUfrag = iceUfrag
        self.icePwd = icePwd
        self.fingerprintSHA256 = fingerprintSHA256
        self.setup = setup
        self.candidateAddresses = candidateAddresses
        self.candidatePort = candidatePort
        self.audioCodecs = audioCodecs
        self.videoCodecs = videoCodecs
        self.acceptRTX = acceptRTX
        self.extensionURIs = extensionURIs
        self.sessionID = sessionID
        self.sessionVersion = sessionVersion
    }

    /// The header extensions of PROTOCOL.md §4.
    public static let defaultExtensionURIs = [
        "urn:ietf:params:rtp-hdrext:sdes:mid",
        "urn:ietf:params:rtp-hdrext:ssrc-audio-level",
        "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time",
        "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01",
    ]
}

/// What the server wants for one offered m-line (plans are keyed by mid).
public struct MediaAnswerPlan: Sendable, Equatable {
    public enum Role: Sendable, Equatable {
        /// The client sends, the server receives: answered `recvonly` (`inactive` if the client does not send).
        case receive
        /// The server sends: answered `sendonly` with `a=msid:<streamID> <trackID>` and `a=ssrc` lines (plus
        /// `a=ssrc-group:FID` when RTX is negotiated and `rtxSSRC` is given); `inactive` if the client does not
        /// receive on the m-line.
        case send(ssrc: UInt32, rtxSSRC: UInt32?, cname: String, streamID: String, trackID: String)
        /// Kept in the BUNDLE, no media either way.
        case inactive
        /// Port 0.
        case reject
    }

    public var role: Role

    public init(role: Role) { self.role = role }

    public static let receive = MediaAnswerPlan(role: .receive)
    public static let inactive = MediaAnswerPlan(role: .inactive)
    public static let reject = MediaAnswerPlan(role: .reject)
    public static func send(ssrc: UInt32, rtxSSRC: UInt32? = nil, cname: String, streamID: String,
                            trackID: String) -> MediaAnswerPlan {
        MediaAnswerPlan(role: .send(ssrc: ssrc, rtxSSRC: rtxSSRC, cname: cname, streamID: streamID, trackID: trackID))
    }
}

/// The outcome for one m-line, in offer order.
public struct NegotiatedMedia: Sendable, Equatable {
    public var mid: String
    public var kind: String
    /// From the answer's (the server's) point of view: `recvonly` = the server receives.
    public var direction: MediaDirection
    /// Whether the m-line was rejected (port 0). A rejected m-line is also `inactive` and has no codec.
    public var rejected: Bool
    /// The chosen codec as it appears in the answer (the offer's payload type and fmtp, negotiated feedback);
    /// nil when rejected.
    public var codec: RTPCodecDescription?
    /// The RTX payload type for `codec`, when offered and accepted.
    public var rtxPayloadType: UInt8?
    /// Negotiated header extensions: uri → id (the offer's id).
    public var extensionIDs: [String: UInt8]
    /// The client's SSRC on an m-line the server receives on (answer `recvonly`), and its RTX SSRC when RTX is
    /// negotiated (from `a=ssrc-group:FID`).
    public var remoteSSRC: UInt32?
    public var remoteRTXSSRC: UInt32?
    /// Negotiated `a=rtcp-fb` values of `codec`.
    public var rtcpFeedback: [String]
    /// Whether `a=rtcp-rsize` was negotiated.
    public var rtcpReducedSize: Bool

    public init(mid: String, kind: String, direction: MediaDirection, rejected: Bool = false,
                codec: RTPCodecDescription? = nil, rtxPayloadType: UInt8? = nil, extensionIDs: [String: UInt8] = [:],
                remoteSSRC: UInt32? = nil, remoteRTXSSRC: UInt32? = nil, rtcpFeedback: [String] = [],
                rtcpReducedSize: Bool = false) {
        self.mid = mid
        self.kind = kind
        self.direction = direction
        self.rejected = rejected
        self.codec = codec
        self.rtxPayloadType = rtxPayloadType
        self.extensionIDs = extensionIDs
        self.remoteSSRC = remoteSSRC
        self.remoteRTXSSRC = remoteRTXSSRC
        self.rtcpFeedback = rtcpFeedback
        self.rtcpReducedSize = rtcpReducedSize
    }
}
