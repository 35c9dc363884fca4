/// A parse or validation failure. `line` is the 1-based line number in the SDP text when the error is tied to one
/// line (parse errors); validation errors of a whole offer (`WebRTCOffer`) have no line.
///
/// `description` is meant to be shown to a client as is (the `message` of a `bad_sdp` error, PROTOCOL.md §6), e.g.
/// `line 7: m= line needs <media> <port> <proto> <fmt>...` or `m-line 1 (video) has no a=mid`.
public struct SDPError: Error, Equatable, Sendable, CustomStringConvertible {
    public var line: Int?
    public var reason: String

    public init(line: Int? = nil, _ reason: String) {
        self.line = line
        self.reason = reason
    }

    public var description: String {
        if let line { return "line \(line): \(reason)" }
        return reason
    }
}
