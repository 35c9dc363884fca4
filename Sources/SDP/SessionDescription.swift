/// A session description (RFC 8866), generic: it knows the line types and keeps every line, in order, so that
/// `init(parsing:)` followed by `serialize()` gives the same text back for well-ordered input (lines are written in
/// the order RFC 8866 §5 prescribes; a misplaced line moves to its place).
///
/// WebRTC meaning (BUNDLE, ICE, DTLS) lives in the typed accessors below, in `MediaDescription`, and in
/// `WebRTCOffer` / `buildAnswer`.
public struct SessionDescription: Equatable, Sendable {
    /// `o=` value, e.g. `- 1039395712867344465 2 IN IP4 127.0.0.1`.
    public var origin: String
    /// `s=` value (`-` for WebRTC).
    public var sessionName: String
    /// First `t=` value (`0 0` for WebRTC); further `t=` lines are in `otherLines`.
    public var timing: String
    /// Session-level `c=` value, if any.
    public var connection: String?
    public var bandwidths: [SDPBandwidth]
    /// Session-level `a=` lines, in order.
    public var attributes: [SDPAttribute]
    public var media: [MediaDescription]
    /// Session-level lines kept uninterpreted (`i u e p z k r`, extra `t`, unknown types).
    public var otherLines: [SDPLine]

    public init(origin: String, sessionName: String = "-", timing: String = "0 0", connection: String? = nil,
                bandwidths: [SDPBandwidth] = [], attributes: [SDPAttribute] = [], media: [MediaDescription] = [],
                otherLines: [SDPLine] = []) {
        self.origin = origin
        self.sessionName = sessionName
        self.timing = timing
        self.connection = connection
        self.bandwidths = bandwidths
        self.attributes = attributes
        self.media = media
        self.otherLines = otherLines
    }

    /// Parses SDP text with CRLF or LF line ends. Empty lines are skipped; the first line must be `v=0`; `o=`, `s=`
    /// and `t=` are required at session level. Errors name the 1-based line and the reason.
    public init(parsing text: String) throws(SDPError) {
        var parser = SDPParser()
        var lineNumber = 0
        // Split on LF bytes (UTF-8 view: much cheaper than grapheme-based splitting); a CR before it is dropped.
        let utf8 = text.utf8
        var start = utf8.startIndex
        while start <= utf8.endIndex {
            let newline = utf8[start...].firstIndex(of: UInt8(ascii: "\n")) ?? utf8.endIndex
            lineNumber += 1
            let line = Substring(text[start..<newline]).trimmingLineEnd
            if !line.isEmpty { try parser.consume(line, number: lineNumber) }
            if newline == utf8.endIndex { break }
            start = utf8.index(after: newline)
        }
        self = try parser.finish(lastLine: lineNumber)
    }

    /// The SDP text: `v=0` first, lines in RFC 8866 order, each ended by CRLF.
    public func serialize() -> String {
        var out = "v=0\r\n"
        out += "o=\(origin)\r\n"
        out += "s=\(sessionName)\r\n"
        for line in otherLines where SDPOrder.beforeConnection.contains(line.type) {
            out += "\(line.type)=\(line.value)\r\n"
        }
        if let connection { out += "c=\(connection)\r\n" }
        for bandwidth in bandwidths { out += "b=\(bandwidth.type):\(bandwidth.value)\r\n" }
        out += "t=\(timing)\r\n"
        for line in otherLines where !SDPOrder.beforeConnection.contains(line.type) {
            out += "\(line.type)=\(line.value)\r\n"
        }
        for attribute in attributes { out += "a=\(attribute)\r\n" }
        for section in media { section.serialize(into: &out) }
        return out
    }

    // MARK: Session-level WebRTC accessors

    /// `a=group:BUNDLE` groups (RFC 9143), each a list of mids.
    public var bundleGroups: [[String]] {
        attributes.values(named: "group").compactMap { value in
            let parts = value.split(separator: " ").map(String.init)
            guard parts.first == "BUNDLE" else { return nil }
            return Array(parts.dropFirst())
        }
    }

    /// `a=ice-lite` at session level (RFC 8445 §5.3).
    public var iceLite: Bool { attributes.contains(named: "ice-lite") }

    /// `a=extmap-allow-mixed` (RFC 8285 §6) at session level or on any m-line.
    public var extmapAllowMixed: Bool {
        attributes.contains(named: "extmap-allow-mixed")
            || media.contains { $0.attributes.contains(named: "extmap-allow-mixed") }
    }

    /// ICE ufrag and pwd of m-line `index`, falling back to the session level for each.
    public func iceCredentials(forMedia index: Int) -> (ufrag: String, pwd: String)? {
        let section = media.indices.contains(index) ? media[index] : nil
        guard let ufrag = section?.iceUfrag ?? attributes.value(named: "ice-ufrag"),
              let pwd = section?.icePwd ?? attributes.value(named: "ice-pwd") else { return nil }
        return (ufrag, pwd)
    }

    /// Fingerprints of m-line `index`; the session-level ones when the m-line has none.
    public func fingerprints(forMedia index: Int) -> [Fingerprint] {
        if media.indices.contains(index), !media[index].fingerprints.isEmpty { return media[index].fingerprints }
        return attributes.values(named: "fingerprint").compactMap(Fingerprint.init(attributeValue:))
    }

    /// The fingerprint of m-line `index` with the given hash algorithm (media level, else session level).
    public func fingerprint(forMedia index: Int, algorithm: String = "sha-256") -> Fingerprint? {
        fingerprints(forMedia: index).first { $0.algorithm == algorithm.lowercased() }
    }

    /// `a=setup` of m-line `index`, falling back to the session level.
    public func setup(forMedia index: Int) -> DTLSSetup? {
        if media.indices.contains(index), let setup = media[index].setup { return setup }
        return attributes.value(named: "setup").flatMap { DTLSSetup(rawValue: $0.trimmingSpaces.lowercased()) }
    }

    /// Direction of m-line `index`: its own attribute, else the session-level one (RFC 8866 §6.7), else sendrecv.
    public func direction(forMedia index: Int) -> MediaDirection {
        if media.indices.contains(index), let own = media[index].explicitDirection { return own }
        return attributes.direction ?? .sendrecv
    }
}

/// RFC 8866 §5 order of the uninterpreted lines.
enum SDPOrder {
    /// Session lines written between `s=` and `c=`.
    static let beforeConnection: Set<Character> = ["i", "u", "e", "p"]
}

extension [SDPAttribute] {
    func contains(named name: String) -> Bool { contains { $0.name == name } }
    func value(named name: String) -> String? { first { $0.name == name }?.value }
    func values(named name: String) -> [String] { compactMap { $0.name == name ? $0.value : nil } }
    /// The last direction attribute, if any.
    var direction: MediaDirection? { last { MediaDirection(rawValue: $0.name) != nil && $0.value == nil }
        .flatMap { MediaDirection(rawValue: $0.name) } }
}
