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

    private struct Track: Decodable { var mid: String; var source: String? }
    private struct Subscription: Decodable { var mid: String; var trackId: String }

    /// The whole message in one pass of `JSONDecoder`, throwing the `DecodeError` the reply carries. (It used to
    /// parse the text three times: `JSONSerialization` to see an object, then an envelope, then the body.)
    private struct Parsed: Decodable {
        var message: ClientMessage
        enum Key: String, CodingKey { case type, requestId, token, sdp, tracks, subscriptions }

        init(from decoder: any Decoder) throws {
            let fields: KeyedDecodingContainer<Key>
            do { fields = try decoder.container(keyedBy: Key.self) } catch { throw ClientMessage.notAnObject }
            let type: String, id: Int?
            do {
                type = try fields.decode(String.self, forKey: .type)
                id = try fields.decodeIfPresent(Int.self, forKey: .requestId)
            } catch {
                throw DecodeError(code: "malformed", message: "'type' must be a string and 'requestId' an integer")
            }
            do {
                switch type {
                case "join": message = .join(requestID: id, token: try fields.decode(String.self, forKey: .token))
                case "offer":
                    let sdp = try fields.decode(String.self, forKey: .sdp)
                    let tracks = try fields.decodeIfPresent([Track].self, forKey: .tracks) ?? []
                    let subscriptions = try fields.decodeIfPresent([Subscription].self, forKey: .subscriptions) ?? []
                    message = .offer(requestID: id, sdp: sdp,
                                     tracks: tracks.map { OfferedTrack(mid: $0.mid, source: $0.source) },
                                     subscriptions: subscriptions.map {
                                         OfferedSubscription(mid: $0.mid, trackID: $0.trackId)
                                     })
                case "leave": message = .leave(requestID: id)
                case "ping": message = .ping(requestID: id)
                default:
                    throw DecodeError(code: "unknown_type", message: "unknown message type '\(type)'", requestID: id)
                }
            } catch let error as DecodeError {
                throw error
            } catch {
                throw DecodeError(code: "malformed", message: "bad '\(type)' message: \(ClientMessage.describe(error))",
                                  requestID: id)
            }
        }
    }

    private static let notAnObject = DecodeError(code: "malformed", message: "a message must be one JSON object")

    public static func decode(_ text: String) throws(DecodeError) -> ClientMessage {
        do {
            return try JSONDecoder().decode(Parsed.self, from: Data(text.utf8)).message
        } catch let error as DecodeError {
            throw error
        } catch {
            throw notAnObject  // not JSON at all
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
