import Testing
import Foundation
import SignalingWire

/// The client messages of Signaling/golden (the contract shared with clients; the Python interop tests read the
/// same files) decode to the values PROTOCOL.md §5 describes, and encode back to the same JSON.
@Suite struct ClientMessageTests {
    static let golden = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Signaling/golden")

    static func text(_ name: String) throws -> String {
        try String(contentsOf: golden.appendingPathComponent(name + ".json"), encoding: .utf8)
    }

    static func object(_ text: String) throws -> NSDictionary {
        try #require(JSONSerialization.jsonObject(with: Data(text.utf8)) as? NSDictionary)
    }

    @Test func goldenMessagesDecode() throws {
        guard case .join(let id, let token) = try ClientMessage.decode(Self.text("client.join")) else {
            Issue.record("join"); return
        }
        #expect(id == 1 && token.hasPrefix("eyJ"))
        let offer = try ClientMessage.decode(Self.text("client.offer"))
        guard case .offer(2, let sdp, let tracks, let subscriptions) = offer else { Issue.record("offer"); return }
        #expect(sdp.hasPrefix("v=0\r\n"))
        #expect(tracks == [.init(mid: "0", source: "microphone"), .init(mid: "1", source: "camera")])
        #expect(subscriptions == [.init(mid: "2", trackID: "T-ab12")])
        guard case .offer(3, _, let none, let subs) = try ClientMessage.decode(Self.text("client.offer.subscribe_only"))
        else { Issue.record("offer.subscribe_only"); return }
        #expect(none.isEmpty && subs.map(\.trackID) == ["T-c4d5", "T-ab12"])
        #expect(try ClientMessage.decode(Self.text("client.leave")) == .leave(requestID: nil))
        #expect(try ClientMessage.decode(Self.text("client.ping")) == .ping(requestID: 7))
    }

    /// Each golden message encodes to the same JSON object (key order and spacing aside) and decodes back to itself.
    @Test(arguments: ["client.join", "client.offer", "client.offer.subscribe_only", "client.leave", "client.ping"])
    func goldenMessagesRoundTrip(name: String) throws {
        let text = try Self.text(name)
        let message = try ClientMessage.decode(text)
        #expect(try Self.object(message.encoded()) == Self.object(text))
        #expect(try ClientMessage.decode(message.encoded()) == message)
    }

    @Test func encodingLeavesOutWhatIsAbsent() throws {
        #expect(ClientMessage.ping(requestID: nil).encoded() == #"{"type":"ping"}"#)
        let offer = ClientMessage.offer(requestID: 7, sdp: "v=0\r\n", tracks: [.init(mid: "0")], subscriptions: [])
        #expect(offer.encoded() == #"{"requestId":7,"sdp":"v=0\r\n","subscriptions":[],"tracks":[{"mid":"0"}],"type":"offer"}"#)
        #expect(try ClientMessage.decode(offer.encoded()) == offer)
        // Absent lists and an absent source read as empty and nil.
        #expect(try ClientMessage.decode(#"{"type":"offer","sdp":"x","tracks":[{"mid":"a"}]}"#)
                == .offer(requestID: nil, sdp: "x", tracks: [.init(mid: "a", source: nil)], subscriptions: []))
    }

    @Test func unknownFieldsAreIgnored() throws {
        #expect(try ClientMessage.decode(#"{"type":"ping","requestId":9,"x":{"y":[1,null]}}"#) == .ping(requestID: 9))
    }

    /// The error reply says what is wrong with the message.
    @Test(arguments: [
        ("not json", "a message must be one JSON object"), ("[1,2]", "a message must be one JSON object"),
        (#"{"type": 5}"#, "'type' must be a string and 'requestId' an integer"),
        (#"{"type": "join", "token": 12345}"#, "bad 'join' message: wrong type at 'token'"),
        (#"{"type": "offer", "requestId": 5}"#, "bad 'offer' message: missing field 'sdp'"),
        (#"{"type": "dance"}"#, "unknown message type 'dance'"),
    ] as [(String, String)])
    func badMessagesSayWhy(text: String, message: String) {
        do { _ = try ClientMessage.decode(text) } catch { #expect(error.message == message, "\(text)") }
    }

    @Test(arguments: [
        ("not json", "malformed", nil), ("[1,2]", "malformed", nil), (#"{"type": 5}"#, "malformed", nil),
        ("", "malformed", nil), (#"{"requestId": 3}"#, "malformed", nil),
        (#"{"type": "join", "token": 12345}"#, "malformed", nil), (#"{"type": "offer", "sdp": 42}"#, "malformed", nil),
        (#"{"type": "offer", "requestId": 5, "tracks": []}"#, "malformed", 5),
        (#"{"type": "offer", "requestId": "x", "sdp": ""}"#, "malformed", nil),
        (#"{"type": "offer", "requestId": 1.5, "sdp": ""}"#, "malformed", nil),
        (#"{"type": "dance", "requestId": 8}"#, "unknown_type", 8),
    ] as [(String, String, Int?)])
    func badMessagesGetCodes(text: String, code: String, requestID: Int?) {
        #expect(throws: ClientMessage.DecodeError.self) { try ClientMessage.decode(text) }
        do { _ = try ClientMessage.decode(text) } catch {
            #expect(error.code == code, "\(text)")
            #expect(error.requestID == requestID, "\(text)")
            #expect(!error.message.isEmpty)
        }
    }
}
