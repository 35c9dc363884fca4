import Foundation

/// A client message (PROTOCOL.md §5): what the server reads off a WebSocket, and what a client written in Swift
/// (the load generator) sends. No I/O: text in, value out, and back. Decoding is lenient about unknown fields and
/// strict about the types of known ones.
public enum ClientMessage: Equatable, Sendable {
    case join(requestID: Int?, token: String)
    case offer(requestID: Int?, sdp: String, tracks: [OfferedTrack], subscriptions: [OfferedSubscription])
    case leave(requestID: Int?)
    case ping(requestID: Int?)

    /// A track the offer publishes: its m-line and what it shows (`camera`, `screen`, …; absent on the wire is nil).
    public struct OfferedTrack: Equatable, Sendable {
        public var mid: String
        public var source: String?
        public init(mid: String, source: String? = nil) { self.mid = mid; self.source = source }
    }

    /// A recvonly m-line of the offer and the track it asks for.
    public struct OfferedSubscription: Equatable, Sendable {
        public var mid: String
        public var trackID: String
        public init(mid: String, trackID: String) { self.mid = mid; self.trackID = trackID }
    }

    /// Why a text is not a client message: the `error` reply's code (`malformed` or `unknown_type`) and message.
    public struct DecodeError: Error, Equatable {
        public var code: String
        public var message: String
        public var requestID: Int?
    }

    public var requestID: Int? {
        switch self {
        case .join(let id, _), .offer(let id, _, _, _), .leave(let id), .ping(let id): id
        }
    }

    private struct Envelope: Decodable {
        var type: String
        var requestId: Int?
    }
    private struct Join: Decodable { var token: String }
    private struct Track: Decodable { var mid: String; var source: String? }
    private struct Subscription: Decodable { var mid: String; var trackId: String }
    private struct Offer: Decodable { var sdp: String; var tracks: [Track]?; var subscriptions: [Subscription]? }

    public static func decode(_ text: String) throws(DecodeError) -> ClientMessage {
        let data = Data(text.utf8)
        let decoder = JSONDecoder()
        guard let object = try? JSONSerialization.jsonObject(with: data), object is [String: Any] else {
            throw DecodeError(code: "malformed", message: "a message must be one JSON object")
        }
        let envelope: Envelope
        do { envelope = try decoder.decode(Envelope.self, from: data) } catch {
            throw DecodeError(code: "malformed", message: "'type' must be a string and 'requestId' an integer")
        }
        let id = envelope.requestId
        do {
            switch envelope.type {
            case "join":
                return .join(requestID: id, token: try decoder.decode(Join.self, from: data).token)
            case "offer":
                let offer = try decoder.decode(Offer.self, from: data)
                return .offer(requestID: id, sdp: offer.sdp,
                              tracks: (offer.tracks ?? []).map { OfferedTrack(mid: $0.mid, source: $0.source) },
                              subscriptions: (offer.subscriptions ?? []).map {
                                  OfferedSubscription(mid: $0.mid, trackID: $0.trackId)
                              })
            case "leave": return .leave(requestID: id)
            case "ping": return .ping(requestID: id)
            default:
                throw DecodeError(code: "unknown_type", message: "unknown message type '\(envelope.type)'",
                                  requestID: id)
            }
        } catch let error as DecodeError {
            throw error
        } catch {
            throw DecodeError(code: "malformed", message: "bad '\(envelope.type)' message: \(Self.describe(error))",
                              requestID: id)
        }
    }

    /// The message as one JSON object with sorted keys; `decode` reads it back to the same value.
    public func encoded() -> String {
        var object: [String: Any]
        switch self {
        case .join(_, let token): object = ["type": "join", "token": token]
        case .offer(_, let sdp, let tracks, let subscriptions):
            object = ["type": "offer", "sdp": sdp,
                      "tracks": tracks.map { track -> [String: Any] in
                          var value: [String: Any] = ["mid": track.mid]
                          if let source = track.source { value["source"] = source }
                          return value
                      },
                      "subscriptions": subscriptions.map { ["mid": $0.mid, "trackId": $0.trackID] }]
        case .leave: object = ["type": "leave"]
        case .ping: object = ["type": "ping"]
        }
        if let requestID { object["requestId"] = requestID }
        // Strings, numbers, arrays and dictionaries only: serialization cannot fail.
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }

    private static func describe(_ error: any Error) -> String {
        switch error as? DecodingError {
        case .keyNotFound(let key, _)?: return "missing field '\(key.stringValue)'"
        case .typeMismatch(_, let context)?: return "wrong type at '\(path(context))'"
        case .valueNotFound(_, let context)?: return "null at '\(path(context))'"
        default: return "\(error)"
        }
    }

    private static func path(_ context: DecodingError.Context) -> String {
        context.codingPath.map(\.stringValue).joined(separator: ".")
    }
}
