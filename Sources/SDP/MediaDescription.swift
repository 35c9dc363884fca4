/// One media section (`m=` and the lines after it up to the next `m=`). Stores lines; the WebRTC view (mid,
/// direction, ICE, DTLS, codecs, extensions, SSRCs) is computed from `attributes`.
public struct MediaDescription: Equatable, Sendable {
    /// `audio`, `video`, `application`, ...
    public var kind: String
    /// 0 means rejected, unless the section has `a=bundle-only` (RFC 9143 §7.5.3, Firefox does this).
    public var port: Int
    /// `<port>/<count>` form, rare.
    public var portCount: Int?
    /// `UDP/TLS/RTP/SAVPF`, `UDP/DTLS/SCTP`, ...
    public var proto: String
    /// Payload types as written (`111`), or `webrtc-datachannel` for SCTP.
    public var formats: [String]
    /// `c=` value, e.g. `IN IP4 0.0.0.0`.
    public var connection: String?
    public var bandwidths: [SDPBandwidth]
    /// The `a=` lines, in order.
    public var attributes: [SDPAttribute]
    /// Uninterpreted lines of the section (`i=`, `k=`, unknown types).
    public var otherLines: [SDPLine]

    public init(kind: String, port: Int, proto: String, formats: [String], connection: String? = nil,
                bandwidths: [SDPBandwidth] = [], attributes: [SDPAttribute] = [], otherLines: [SDPLine] = []) {
        self.kind = kind
        self.port = port
        self.proto = proto
        self.formats = formats
        self.connection = connection
        self.bandwidths = bandwidths
        self.attributes = attributes
        self.otherLines = otherLines
    }

    func serialize(into out: inout String) {
        let portText = portCount.map { "\(port)/\($0)" } ?? "\(port)"
        out += "m=\(kind) \(portText) \(proto) \(formats.joined(separator: " "))\r\n"
        for line in otherLines where line.type == "i" { out += "i=\(line.value)\r\n" }
        if let connection { out += "c=\(connection)\r\n" }
        for bandwidth in bandwidths { out += "b=\(bandwidth.type):\(bandwidth.value)\r\n" }
        for line in otherLines where line.type != "i" { out += "\(line.type)=\(line.value)\r\n" }
        for attribute in attributes { out += "a=\(attribute)\r\n" }
    }

    // MARK: Attribute helpers

    /// The value of the first `a=<name>` line; nil when absent or a flag.
    public func attribute(_ name: String) -> String? { attributes.value(named: name) }
    /// Whether an `a=<name>` line exists.
    public func hasAttribute(_ name: String) -> Bool { attributes.contains(named: name) }
    /// Appends `a=<name>[:<value>]`.
    public mutating func add(_ name: String, _ value: String? = nil) { attributes.append(SDPAttribute(name, value)) }

    // MARK: Typed accessors

    /// Port 0 without `a=bundle-only`: the m-line is rejected or stopped.
    public var isRejected: Bool { port == 0 && !hasAttribute("bundle-only") }

    /// Whether the protocol carries RTP (`RTP/AVP`, `UDP/TLS/RTP/SAVPF`, ...), as opposed to SCTP.
    public var isRTP: Bool { proto.split(separator: "/").contains("RTP") }

    public var mid: String? { attribute("mid") }

    /// The section's own direction attribute, nil when it has none.
    public var explicitDirection: MediaDirection? { attributes.direction }

    /// The direction, sendrecv when the section has no direction attribute. (A session-level direction applies when
    /// the section has none; `SessionDescription.direction(forMedia:)` takes it into account.)
    public var direction: MediaDirection {
        get { explicitDirection ?? .sendrecv }
        set {
            if let index = attributes.firstIndex(where: { MediaDirection(rawValue: $0.name) != nil && $0.value == nil }) {
                attributes[index] = SDPAttribute(newValue.rawValue)
                attributes.removeAll { $0.value == nil && MediaDirection(rawValue: $0.name) != nil
                    && $0.name != newValue.rawValue }
            } else {
                attributes.append(SDPAttribute(newValue.rawValue))
            }
        }
    }

    public var iceUfrag: String? { attribute("ice-ufrag") }
    public var icePwd: String? { attribute("ice-pwd") }
    public var fingerprints: [Fingerprint] {
        attributes.values(named: "fingerprint").compactMap(Fingerprint.init(attributeValue:))
    }
    public var setup: DTLSSetup? { attribute("setup").flatMap { DTLSSetup(rawValue: $0.trimmingSpaces.lowercased()) } }
    public var rtcpMux: Bool { hasAttribute("rtcp-mux") }
    public var rtcpReducedSize: Bool { hasAttribute("rtcp-rsize") }

    /// `a=msid` (RFC 8830), the first one.
    public var msid: MediaStreamID? {
        guard let value = attribute("msid") else { return nil }
        let parts = value.split(separator: " ", omittingEmptySubsequences: true)
        guard let stream = parts.first else { return nil }
        return MediaStreamID(stream: String(stream), track: parts.count > 1 ? String(parts[1]) : nil)
    }

    /// The RTP payload formats in `formats` order. Formats that are not numbers (SCTP) are skipped; a dynamic
    /// payload type without `a=rtpmap` is skipped too (it cannot be used).
    public var codecs: [RTPCodecDescription] {
        var rtpmaps: [UInt8: (String, Int, Int?)] = [:]
        var fmtps: [UInt8: String] = [:]
        var feedback: [UInt8: [String]] = [:]
        var wildcardFeedback: [String] = []
        for attribute in attributes {
            guard let value = attribute.value else { continue }
            switch attribute.name {
            case "rtpmap", "fmtp", "rtcp-fb":
                guard let space = value.firstIndex(of: " ") else { continue }
                let key = value[..<space]
                let rest = String(value[value.index(after: space)...].trimmingSpaces)
                if attribute.name == "rtcp-fb", key == "*" { wildcardFeedback.append(rest); continue }
                guard let pt = UInt8(key) else { continue }
                if attribute.name == "fmtp" {
                    fmtps[pt] = rest
                } else if attribute.name == "rtcp-fb" {
                    feedback[pt, default: []].append(rest)
                } else {
                    let parts = rest.split(separator: "/")
                    guard parts.count >= 2, let rate = Int(parts[1]) else { continue }
                    rtpmaps[pt] = (String(parts[0]), rate, parts.count > 2 ? Int(parts[2]) : nil)
                }
            default: continue
            }
        }
        return formats.compactMap { format in
            guard let pt = UInt8(format), pt < 128 else { return nil }
            guard let (name, rate, channels) = rtpmaps[pt] ?? StaticPayloadTypes.table[pt] else { return nil }
            return RTPCodecDescription(payloadType: pt, name: name, clockRate: rate, channels: channels,
                                       fmtp: fmtps[pt], rtcpFeedback: wildcardFeedback + (feedback[pt] ?? []))
        }
    }

    /// `a=extmap` lines (RFC 8285), in order. Malformed lines are skipped.
    public var extensions: [HeaderExtension] {
        attributes.values(named: "extmap").compactMap { value in
            let parts = value.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: true)
            guard parts.count >= 2 else { return nil }
            let idParts = parts[0].split(separator: "/", omittingEmptySubsequences: false)
            guard let id = UInt8(idParts[0]) else { return nil }
            var direction: MediaDirection?
            if idParts.count > 1 {
                guard let parsed = MediaDirection(rawValue: String(idParts[1])) else { return nil }
                direction = parsed
            }
            return HeaderExtension(id: id, uri: String(parts[1]), direction: direction,
                                   attributes: parts.count > 2 ? String(parts[2]) : nil)
        }
    }

    /// `a=ssrc` lines (RFC 5576), in order.
    public var ssrcs: [SSRCAttribute] {
        attributes.values(named: "ssrc").compactMap { value in
            let parts = value.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
            guard let first = parts.first, let ssrc = UInt32(first) else { return nil }
            guard parts.count > 1 else { return SSRCAttribute(ssrc: ssrc, name: "") }
            let attribute = SDPAttribute(line: parts[1])
            return SSRCAttribute(ssrc: ssrc, name: attribute.name, value: attribute.value)
        }
    }

    /// `a=ssrc-group` lines (RFC 5576), in order.
    public var ssrcGroups: [SSRCGroup] {
        attributes.values(named: "ssrc-group").compactMap { value in
            let parts = value.split(separator: " ", omittingEmptySubsequences: true)
            guard let semantics = parts.first else { return nil }
            let ssrcs = parts.dropFirst().compactMap { UInt32($0) }
            guard ssrcs.count == parts.count - 1 else { return nil }
            return SSRCGroup(semantics: String(semantics), ssrcs: ssrcs)
        }
    }

    /// The distinct SSRCs of `a=ssrc` lines, in first-seen order.
    public var ssrcValues: [UInt32] {
        var seen = Set<UInt32>()
        return ssrcs.compactMap { seen.insert($0.ssrc).inserted ? $0.ssrc : nil }
    }

    /// The sender's main SSRC and its RTX SSRC: the first `FID` group's pair, else the first `a=ssrc` alone.
    public var primarySSRC: (ssrc: UInt32, rtx: UInt32?)? {
        if let fid = ssrcGroups.first(where: { $0.semantics == "FID" && $0.ssrcs.count >= 2 }) {
            return (fid.ssrcs[0], fid.ssrcs[1])
        }
        return ssrcValues.first.map { ($0, nil) }
    }
}

/// RFC 3551 static payload types, for m-lines that list them without `a=rtpmap`.
enum StaticPayloadTypes {
    static let table: [UInt8: (String, Int, Int?)] = [
        0: ("PCMU", 8000, nil), 3: ("GSM", 8000, nil), 4: ("G723", 8000, nil), 8: ("PCMA", 8000, nil),
        9: ("G722", 8000, nil), 13: ("CN", 8000, nil), 18: ("G729", 8000, nil),
        26: ("JPEG", 90000, nil), 31: ("H261", 90000, nil), 34: ("H263", 90000, nil),
    ]
}
