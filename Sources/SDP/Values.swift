/// One `a=` line: `a=<name>` (a flag, `value == nil`) or `a=<name>:<value>`. The value is kept verbatim (including a
/// leading space, as in Chromium's `a=msid-semantic: WMS ...`) so that serializing gives back the same line.
public struct SDPAttribute: Equatable, Hashable, Sendable, CustomStringConvertible {
    public var name: String
    public var value: String?

    public init(_ name: String, _ value: String? = nil) {
        self.name = name
        self.value = value
    }

    /// Parses the text after `a=`.
    public init(line: some StringProtocol) {
        if let colon = line.firstIndex(of: ":") {
            name = String(line[..<colon])
            value = String(line[line.index(after: colon)...])
        } else {
            name = String(line)
            value = nil
        }
    }

    /// The text after `a=`.
    public var description: String { value.map { "\(name):\($0)" } ?? name }
}

/// A line this model keeps without interpreting it (`i=`, `u=`, `e=`, `p=`, `z=`, `k=`, `r=`, extra `t=`, and any
/// unknown type), so that parse → serialize keeps it.
public struct SDPLine: Equatable, Hashable, Sendable {
    public var type: Character
    public var value: String

    public init(type: Character, value: String) {
        self.type = type
        self.value = value
    }
}

/// `b=<type>:<value>` (RFC 8866 §5.8), e.g. `b=AS:2500`, `b=TIAS:2500000`.
public struct SDPBandwidth: Equatable, Hashable, Sendable {
    public var type: String
    public var value: Int

    public init(type: String, value: Int) {
        self.type = type
        self.value = value
    }
}

/// RFC 8866 §6.7 / RFC 3264 media direction, from the point of view of whoever wrote the description.
public enum MediaDirection: String, Sendable, CaseIterable {
    case sendrecv, sendonly, recvonly, inactive

    /// Whether the writer of the description sends on this m-line.
    public var sends: Bool { self == .sendrecv || self == .sendonly }
    /// Whether the writer of the description receives on this m-line.
    public var receives: Bool { self == .sendrecv || self == .recvonly }

    public init(sends: Bool, receives: Bool) {
        switch (sends, receives) {
        case (true, true): self = .sendrecv
        case (true, false): self = .sendonly
        case (false, true): self = .recvonly
        case (false, false): self = .inactive
        }
    }

    /// The same m-line seen from the other side (sendonly ↔ recvonly).
    public var reversed: MediaDirection { MediaDirection(sends: receives, receives: sends) }
}

/// `a=setup` (RFC 4145 / RFC 5763): which side starts the DTLS handshake (`active` is the DTLS client).
public enum DTLSSetup: String, Sendable, CaseIterable {
    case actpass, active, passive, holdconn
}

/// `a=fingerprint:<algorithm> <value>` (RFC 8122). `algorithm` is lowercased (`sha-256`); `value` is kept as written
/// (`AB:CD:...`); compare with `matches(_:)`, which ignores case.
public struct Fingerprint: Equatable, Hashable, Sendable, CustomStringConvertible {
    public var algorithm: String
    public var value: String

    public init(algorithm: String, value: String) {
        self.algorithm = algorithm.lowercased()
        self.value = value
    }

    init?(attributeValue: String) {
        let parts = attributeValue.split(separator: " ", omittingEmptySubsequences: true)
        guard parts.count == 2 else { return nil }
        self.init(algorithm: String(parts[0]), value: String(parts[1]))
    }

    /// Same algorithm and same bytes (hex compared case-insensitively).
    public func matches(_ other: Fingerprint) -> Bool {
        algorithm == other.algorithm && value.uppercased() == other.value.uppercased()
    }

    public var description: String { "\(algorithm) \(value)" }
}

/// One RTP payload format of an m-line, assembled from `a=rtpmap`, `a=fmtp` and `a=rtcp-fb` (RFC 8866 §6.6,
/// RFC 4585). Static payload types without `a=rtpmap` (0, 8, 9, ...) get their RFC 3551 name and clock rate.
public struct RTPCodecDescription: Equatable, Hashable, Sendable {
    public var payloadType: UInt8
    /// As written in `a=rtpmap` (`opus`, `VP8`, `rtx`); compare case-insensitively.
    public var name: String
    public var clockRate: Int
    /// The encoding parameter of audio codecs (`opus/48000/2` → 2); nil when absent.
    public var channels: Int?
    /// The `a=fmtp` parameters as written (`minptime=10;useinbandfec=1`).
    public var fmtp: String?
    /// `a=rtcp-fb` values for this payload type (and the `*` wildcard), e.g. `nack`, `nack pli`, `ccm fir`,
    /// `goog-remb`, `transport-cc`.
    public var rtcpFeedback: [String]

    public init(payloadType: UInt8, name: String, clockRate: Int, channels: Int? = nil, fmtp: String? = nil,
                rtcpFeedback: [String] = []) {
        self.payloadType = payloadType
        self.name = name
        self.clockRate = clockRate
        self.channels = channels
        self.fmtp = fmtp
        self.rtcpFeedback = rtcpFeedback
    }

    /// The `fmtp` as key/value pairs (`a=b;c=d`); a parameter without `=` maps to "".
    public var parameters: [String: String] {
        var result: [String: String] = [:]
        for item in (fmtp ?? "").split(separator: ";") {
            let trimmed = item.trimmingSpaces
            guard !trimmed.isEmpty else { continue }
            if let eq = trimmed.firstIndex(of: "=") {
                result[String(trimmed[..<eq])] = String(trimmed[trimmed.index(after: eq)...])
            } else {
                result[String(trimmed)] = ""
            }
        }
        return result
    }

    /// For RTX (RFC 4588): the payload type this one retransmits (`apt=`), nil otherwise.
    public var rtxApt: UInt8? {
        guard name.lowercased() == "rtx" else { return nil }
        return parameters["apt"].flatMap { UInt8($0) }
    }

    /// `name/clockRate[/channels]`, the value of `a=rtpmap` after the payload type.
    public var rtpmapValue: String {
        channels.map { "\(name)/\(clockRate)/\($0)" } ?? "\(name)/\(clockRate)"
    }
}

/// `a=extmap:<id>[/<direction>] <uri> [<attributes>]` (RFC 8285).
public struct HeaderExtension: Equatable, Hashable, Sendable {
    public var id: UInt8
    public var uri: String
    public var direction: MediaDirection?
    public var attributes: String?

    public init(id: UInt8, uri: String, direction: MediaDirection? = nil, attributes: String? = nil) {
        self.id = id
        self.uri = uri
        self.direction = direction
        self.attributes = attributes
    }

    /// The text after `a=extmap:`.
    public var attributeValue: String {
        var text = "\(id)"
        if let direction { text += "/\(direction.rawValue)" }
        text += " \(uri)"
        if let attributes { text += " \(attributes)" }
        return text
    }
}

/// `a=ssrc:<ssrc> <name>[:<value>]` (RFC 5576), e.g. `cname`, `msid`.
public struct SSRCAttribute: Equatable, Hashable, Sendable {
    public var ssrc: UInt32
    public var name: String
    public var value: String?

    public init(ssrc: UInt32, name: String, value: String? = nil) {
        self.ssrc = ssrc
        self.name = name
        self.value = value
    }
}

/// `a=ssrc-group:<semantics> <ssrc>...` (RFC 5576), e.g. `FID` (primary, RTX) or `SIM`.
public struct SSRCGroup: Equatable, Hashable, Sendable {
    public var semantics: String
    public var ssrcs: [UInt32]

    public init(semantics: String, ssrcs: [UInt32]) {
        self.semantics = semantics
        self.ssrcs = ssrcs
    }
}

/// `a=msid:<stream> [<track>]` (RFC 8830). Chromium writes `-` as the stream of a track without stream.
public struct MediaStreamID: Equatable, Hashable, Sendable {
    public var stream: String
    public var track: String?

    public init(stream: String, track: String? = nil) {
        self.stream = stream
        self.track = track
    }
}

extension StringProtocol {
    var trimmingSpaces: Substring {
        let s = Substring(self)
        guard let first = s.firstIndex(where: { $0 != " " && $0 != "\t" }) else { return s[s.endIndex...] }
        let last = s.lastIndex(where: { $0 != " " && $0 != "\t" })!
        return s[first...last]
    }
}

extension Substring {
    /// Drops trailing CR, spaces and tabs, and leading spaces and tabs, working on UTF-8 bytes.
    var trimmingLineEnd: Substring {
        let bytes = utf8
        var lower = bytes.startIndex
        var upper = bytes.endIndex
        while lower < upper, bytes[lower] == 0x20 || bytes[lower] == 0x09 { lower = bytes.index(after: lower) }
        while lower < upper {
            let last = bytes.index(before: upper)
            guard bytes[last] == 0x0D || bytes[last] == 0x20 || bytes[last] == 0x09 else { break }
            upper = last
        }
        return self[lower..<upper]
    }
}
