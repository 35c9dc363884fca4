import Foundation
import Classroom

/// A client message as read off the socket (PROTOCOL.md §5). Decoding is lenient about unknown fields and strict
/// about the types of known ones.
enum ClientMessage {
    case join(requestID: Int?, token: String)
    case offer(requestID: Int?, sdp: String, tracks: [PublishRequest], subscriptions: [SubscribeRequest])
    case leave(requestID: Int?)
    case ping(requestID: Int?)

    struct DecodeError: Error {
        var code: String
        var message: String
        var requestID: Int?
    }

    private struct Envelope: Decodable {
        var type: String
        var requestId: Int?
    }
    private struct Join: Decodable { var token: String }
    private struct Track: Decodable { var mid: String; var source: String? }
    private struct Subscription: Decodable { var mid: String; var trackId: String }
    private struct Offer: Decodable { var sdp: String; var tracks: [Track]?; var subscriptions: [Subscription]? }

    static func decode(_ text: String) throws(DecodeError) -> ClientMessage {
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
                              tracks: (offer.tracks ?? []).map { PublishRequest(mid: $0.mid, source: $0.source ?? "") },
                              subscriptions: (offer.subscriptions ?? []).map { SubscribeRequest(mid: $0.mid, trackID: $0.trackId) })
            case "leave": return .leave(requestID: id)
            case "ping": return .ping(requestID: id)
            default:
                throw DecodeError(code: "unknown_type", message: "unknown message type '\(envelope.type)'", requestID: id)
            }
        } catch let error as DecodeError {
            throw error
        } catch {
            throw DecodeError(code: "malformed", message: "bad '\(envelope.type)' message: \(Self.describe(error))",
                              requestID: id)
        }
    }

    private static func describe(_ error: any Error) -> String {
        switch error as? DecodingError {
        case .keyNotFound(let key, _)?: return "missing field '\(key.stringValue)'"
        case .typeMismatch(_, let context)?: return "wrong type at '\(context.codingPath.map(\.stringValue).joined(separator: "."))'"
        case .valueNotFound(_, let context)?: return "null at '\(context.codingPath.map(\.stringValue).joined(separator: "."))'"
        default: return "\(error)"
        }
    }
}

/// Server messages (PROTOCOL.md §6), encoded with stable key order for golden tests.
enum ServerMessage {
    static func joined(requestID: Int?, result: JoinResult) -> [String: Any] {
        let me = result.participant
        return with(requestID, ["type": "joined", "room": result.room,
                         "participant": ["id": me.id, "name": me.name, "role": me.role.rawValue],
                         "participants": result.others.map(participant)])
    }

    static func answer(requestID: Int?, result: OfferResult) -> [String: Any] {
        with(requestID, [
            "type": "answer", "sdp": result.sdp,
            "subscriptions": result.subscriptions.map { s -> [String: Any] in
                var value: [String: Any] = ["mid": s.mid, "trackId": s.trackID, "state": s.state]
                if let p = s.participantID { value["participantId"] = p }
                return value
            },
            "tracks": result.tracks.map { ["mid": $0.mid, "trackId": $0.track.id, "kind": $0.track.kind, "source": $0.track.source] },
        ])
    }

    static func error(requestID: Int?, code: String, message: String) -> [String: Any] {
        with(requestID, ["type": "error", "code": code, "message": message])
    }

    static func pong(requestID: Int?) -> [String: Any] { with(requestID, ["type": "pong"]) }

    /// Nil for events that end the connection rather than being sent.
    static func event(_ event: ClassroomEvent) -> [String: Any]? {
        switch event {
        case .participantJoined(let info): return ["type": "participantJoined", "participant": participant(info)]
        case .participantLeft(let id, let reason):
            return ["type": "participantLeft", "participantId": id, "reason": reason.rawValue]
        case .trackPublished(let id, let track): return ["type": "trackPublished", "participantId": id, "track": self.track(track)]
        case .trackUnpublished(let id, let trackID):
            return ["type": "trackUnpublished", "participantId": id, "trackId": trackID]
        case .transportState(let state, let reason):
            var value: [String: Any] = ["type": "transportState", "state": state]
            if let reason { value["reason"] = reason }
            return value
        case .removed: return nil
        }
    }

    static func participant(_ info: ParticipantInfo) -> [String: Any] {
        ["id": info.id, "name": info.name, "role": info.role.rawValue, "tracks": info.tracks.map(track)]
    }

    static func track(_ info: TrackInfo) -> [String: Any] { ["id": info.id, "kind": info.kind, "source": info.source] }

    static func encode(_ object: [String: Any]) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }

    private static func with(_ requestID: Int?, _ body: [String: Any]) -> [String: Any] {
        var body = body
        if let requestID { body["requestId"] = requestID }
        return body
    }
}
