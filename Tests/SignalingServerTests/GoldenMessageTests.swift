import Testing
import Foundation
@testable import Classroom
@testable import SignalingServer

/// The golden messages in Signaling/golden are the contract shared with clients (the Python interop tests read the
/// same files): every server message the server builds encodes to exactly them (the client messages:
/// SignalingWireTests).
@Suite struct GoldenMessageTests {
    static let golden = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Signaling/golden")

    static func text(_ name: String) throws -> String {
        try String(contentsOf: golden.appendingPathComponent(name + ".json"), encoding: .utf8)
    }

    static func object(_ name: String) throws -> NSDictionary {
        try #require(JSONSerialization.jsonObject(with: Data(text(name).utf8)) as? NSDictionary)
    }

    static func encoded(_ message: some Encodable) throws -> NSDictionary {
        try #require(JSONSerialization.jsonObject(with: Data(ServerMessage.encode(message).utf8)) as? NSDictionary)
    }

    @Test func joinedMatches() throws {
        let golden = try Self.object("server.joined")
        let others = try #require(golden["participants"] as? [[String: Any]]).map { p in
            ParticipantInfo(id: p["id"] as! String, name: p["name"] as! String, role: Role(rawValue: p["role"] as! String)!,
                            tracks: (p["tracks"] as! [[String: String]]).map {
                                TrackInfo(id: $0["id"]!, kind: $0["kind"]!, source: $0["source"]!)
                            })
        }
        let me = try #require(golden["participant"] as? [String: String])
        let result = JoinResult(room: golden["room"] as! String,
                                participant: ParticipantInfo(id: me["id"]!, name: me["name"]!, role: Role(rawValue: me["role"]!)!, tracks: []),
                                others: others)
        #expect(try Self.encoded(ServerMessage.joined(requestID: golden["requestId"] as? Int, result: result)) == golden)
    }

    @Test(arguments: ["server.answer", "server.answer.unavailable"])
    func answerMatches(name: String) throws {
        let golden = try Self.object(name)
        let subscriptions = (golden["subscriptions"] as! [[String: String]]).map {
            SubscriptionResult(mid: $0["mid"]!, trackID: $0["trackId"]!, participantID: $0["participantId"], state: $0["state"]!)
        }
        let tracks = (golden["tracks"] as! [[String: String]]).map {
            PublishedTrackResult(mid: $0["mid"]!, track: TrackInfo(id: $0["trackId"]!, kind: $0["kind"]!, source: $0["source"]!))
        }
        let result = OfferResult(sdp: golden["sdp"] as! String, subscriptions: subscriptions, tracks: tracks, warnings: [])
        #expect(try Self.encoded(ServerMessage.answer(requestID: golden["requestId"] as? Int, result: result)) == golden)
    }

    @Test func eventsMatch() throws {
        let joined = try Self.object("server.participantJoined")
        let p = joined["participant"] as! [String: Any]
        let info = ParticipantInfo(id: p["id"] as! String, name: p["name"] as! String, role: Role(rawValue: p["role"] as! String)!,
                                   tracks: (p["tracks"] as! [[String: String]]).map {
                                       TrackInfo(id: $0["id"]!, kind: $0["kind"]!, source: $0["source"]!)
                                   })
        #expect(try Self.encoded(try #require(ServerMessage.event(.participantJoined(info)))) == joined)
        for reason in [LeaveReason.left, .disconnected, .timeout] {
            let golden = try Self.object("server.participantLeft.\(reason.rawValue)")
            let event = ClassroomEvent.participantLeft(participantID: golden["participantId"] as! String, reason: reason)
            #expect(try Self.encoded(try #require(ServerMessage.event(event))) == golden)
        }
        let published = try Self.object("server.trackPublished")
        let track = published["track"] as! [String: String]
        #expect(try Self.encoded(try #require(ServerMessage.event(.trackPublished(
            participantID: published["participantId"] as! String,
            track: TrackInfo(id: track["id"]!, kind: track["kind"]!, source: track["source"]!))))) == published)
        let unpublished = try Self.object("server.trackUnpublished")
        #expect(try Self.encoded(try #require(ServerMessage.event(.trackUnpublished(
            participantID: unpublished["participantId"] as! String, trackID: unpublished["trackId"] as! String)))) == unpublished)
        for state in ["connected", "failed", "closed"] {
            let golden = try Self.object("server.transportState.\(state)")
            let event = ClassroomEvent.transportState(state: state, reason: golden["reason"] as? String)
            #expect(try Self.encoded(try #require(ServerMessage.event(event))) == golden)
        }
        let pong = try Self.object("server.pong")
        #expect(try Self.encoded(ServerMessage.pong(requestID: pong["requestId"] as? Int)) == pong)
    }

    @Test func errorsMatch() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.golden.path)
            .filter { $0.hasPrefix("server.error.") }
        #expect(files.count >= 9)
        for file in files {
            let golden = try Self.object(String(file.dropLast(5)))
            let message = ServerMessage.error(requestID: golden["requestId"] as? Int, code: golden["code"] as! String,
                                              message: golden["message"] as! String)
            #expect(try Self.encoded(message) == golden, "\(file)")
        }
    }
}
