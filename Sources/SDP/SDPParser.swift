/// Line-by-line state machine behind `SessionDescription.init(parsing:)`.
struct SDPParser {
    private var sawVersion = false
    private var origin: String?
    private var sessionName: String?
    private var timing: String?
    private var session = SessionDescription(origin: "")
    private var media: [MediaDescription] = []

    mutating func consume(_ line: Substring, number: Int) throws(SDPError) {
        let bytes = line.utf8
        guard bytes.count >= 2, let type = line.first, bytes[bytes.index(after: bytes.startIndex)] == UInt8(ascii: "=")
        else {
            throw SDPError(line: number, "expected <type>=<value>, got \"\(line.prefix(40))\"")
        }
        guard type.isASCII, type.isLetter, type.isLowercase else {
            throw SDPError(line: number, "line type must be a lowercase letter, got \"\(type)\"")
        }
        let value = String(line[bytes.index(bytes.startIndex, offsetBy: 2)...])
        if !sawVersion {
            guard type == "v" else { throw SDPError(line: number, "the first line must be v=0") }
            guard value == "0" else { throw SDPError(line: number, "unsupported version v=\(value)") }
            sawVersion = true
            return
        }
        if type == "m" {
            media.append(try MediaDescription(mLine: value, lineNumber: number))
            return
        }
        if media.isEmpty {
            try consumeSession(type: type, value: value, number: number)
        } else {
            try consumeMedia(type: type, value: value, number: number)
        }
    }

    private mutating func consumeSession(type: Character, value: String, number: Int) throws(SDPError) {
        switch type {
        case "v": throw SDPError(line: number, "duplicate v= line")
        case "o":
            guard origin == nil else { throw SDPError(line: number, "duplicate o= line") }
            guard value.split(separator: " ").count == 6 else {
                throw SDPError(line: number, "o= needs 6 fields: <username> <sess-id> <sess-version> IN IP4 <address>")
            }
            origin = value
        case "s":
            guard sessionName == nil else { throw SDPError(line: number, "duplicate s= line") }
            sessionName = value
        case "t":
            if timing == nil { timing = value } else { session.otherLines.append(SDPLine(type: type, value: value)) }
        case "c":
            guard session.connection == nil else { throw SDPError(line: number, "duplicate session-level c= line") }
            session.connection = value
        case "b": session.bandwidths.append(try Self.bandwidth(value, number: number))
        case "a": session.attributes.append(SDPAttribute(line: value))
        default: session.otherLines.append(SDPLine(type: type, value: value))
        }
    }

    private mutating func consumeMedia(type: Character, value: String, number: Int) throws(SDPError) {
        let index = media.count - 1
        switch type {
        case "v", "o", "s", "t", "u", "e", "p", "z", "r":
            throw SDPError(line: number, "\(type)= is not allowed inside a media section")
        case "c":
            guard media[index].connection == nil else { throw SDPError(line: number, "duplicate c= line in m-line") }
            media[index].connection = value
        case "b": media[index].bandwidths.append(try Self.bandwidth(value, number: number))
        case "a": media[index].attributes.append(SDPAttribute(line: value))
        default: media[index].otherLines.append(SDPLine(type: type, value: value))
        }
    }

    static func bandwidth(_ value: String, number: Int) throws(SDPError) -> SDPBandwidth {
        guard let colon = value.firstIndex(of: ":"), let amount = Int(value[value.index(after: colon)...]),
              colon != value.startIndex else {
            throw SDPError(line: number, "b= must be <bwtype>:<number>, got \"\(value)\"")
        }
        return SDPBandwidth(type: String(value[..<colon]), value: amount)
    }

    mutating func finish(lastLine: Int) throws(SDPError) -> SessionDescription {
        guard sawVersion else { throw SDPError(line: max(lastLine, 1), "empty description: no v=0 line") }
        guard let origin else { throw SDPError("missing o= line") }
        guard let sessionName else { throw SDPError("missing s= line") }
        guard let timing else { throw SDPError("missing t= line") }
        session.origin = origin
        session.sessionName = sessionName
        session.timing = timing
        // Other lines in the order `serialize` writes them (a misplaced line moves to its place, RFC 8866 §5), so
        // that parsing the serialized text gives this value back.
        session.otherLines = session.otherLines.placedFirst { SDPOrder.beforeConnection.contains($0.type) }
        session.media = media.map { section in
            var section = section
            section.otherLines = section.otherLines.placedFirst { $0.type == "i" }
            return section
        }
        return session
    }
}

extension MediaDescription {
    /// Parses the value of an `m=` line: `<media> <port>[/<count>] <proto> <fmt> ...`.
    init(mLine value: String, lineNumber: Int) throws(SDPError) {
        let fields = value.split(separator: " ", omittingEmptySubsequences: true)
        guard fields.count >= 4 else {
            throw SDPError(line: lineNumber, "m= line needs <media> <port> <proto> <fmt>..., got \"m=\(value)\"")
        }
        let portField = fields[1].split(separator: "/", omittingEmptySubsequences: false)
        guard let port = Int(portField[0]), (0...65535).contains(port) else {
            throw SDPError(line: lineNumber, "m= line has an invalid port \"\(fields[1])\"")
        }
        var portCount: Int?
        if portField.count == 2 {
            guard let count = Int(portField[1]), count > 0 else {
                throw SDPError(line: lineNumber, "m= line has an invalid port count \"\(fields[1])\"")
            }
            portCount = count
        } else if portField.count > 2 {
            throw SDPError(line: lineNumber, "m= line has an invalid port \"\(fields[1])\"")
        }
        self.init(kind: String(fields[0]), port: port, proto: String(fields[2]),
                  formats: fields.dropFirst(3).map(String.init))
        self.portCount = portCount
    }
}

extension [SDPLine] {
    /// The lines for which `first` holds, then the others, each group in its order.
    func placedFirst(where first: (SDPLine) -> Bool) -> [SDPLine] { filter(first) + filter { !first($0) } }
}
