import Foundation
import Classroom

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
