@testable import Classroom
import DTLS
import Foundation
import Logging
import Testing
import WebRTC
@testable import SignalingServer

/// Room events reach a session's outbox as events, not as encoded text: the room raises them on its media loop,
/// and JSON encoding there would hold up forwarding for every member of a large room at each join.
@Suite struct RoomEventOutboxTests {
    @Test func aJoinReachesTheOthersAsAnEventThatTheOutboxReaderEncodes() async throws {
        let socket = try UDPMediaSocket(host: "127.0.0.1", port: 0)
        let transports = TransportServer(socket: socket, certificate: try DTLSCertificate.generateSelfSigned(),
                                         announcedAddresses: ["127.0.0.1"])
        let loop = try MediaLoop(socket: socket)
        loop.start(handler: transports)
        defer { loop.stop() }
        let classroom = ClassroomService(loop: loop, transports: transports, settings: MediaSettings(),
                                         logger: Logger(label: "test"))
        let tokens = await AccessTokens(secret: "test-secret-of-enough-length-0123456789")
        func token(_ name: String) async throws -> String {
            try await tokens.sign(AccessClaims(subject: name, name: name, room: "r", role: .site,
                                               expires: Date().addingTimeInterval(60)))
        }
        let first = SignalingSession(classroom: classroom, tokens: tokens, logger: Logger(label: "test"))
        let second = SignalingSession(classroom: classroom, tokens: tokens, logger: Logger(label: "test"))
        await first.receive(#"{"type":"join","requestId":1,"token":"\#(try await token("a"))"}"#)
        await second.receive(#"{"type":"join","requestId":1,"token":"\#(try await token("b"))"}"#)

        var outputs = first.outbox.makeAsyncIterator()
        let reply = await outputs.next()
        #expect(reply?.text?.contains(#""type":"joined""#) == true)
        let event = await outputs.next()
        guard case .event(.participantJoined(let info))? = event else {
            Issue.record("expected a participantJoined event, got \(String(describing: event))")
            return
        }
        #expect(info.name == "b")
        #expect(event?.text?.contains(#""type":"participantJoined""#) == true)
        #expect(event?.text?.contains(#""name":"b""#) == true)
    }

    static func joined(_ name: String) -> ClassroomEvent {
        .participantJoined(ParticipantInfo(id: "P-\(name)", name: name, role: .site,
                                           tracks: [TrackInfo(id: "T-\(name)", kind: "video", source: "camera")]))
    }

    @Test func anEventIsEncodedOnceForAllTheMembersThatReceiveIt() throws {
        let cache = EventTextCache(capacity: 4)
        let event = Self.joined("c")
        let texts = (0..<500).map { _ in cache.text(for: event) }
        #expect(cache.encodings == 1)
        #expect(Set(texts).count == 1)
        let text = try #require(texts.first ?? nil)
        #expect(text == ServerMessage.event(event).map(ServerMessage.encode))
        #expect(cache.text(for: .removed(reason: .timeout)) == nil)  // never sent
    }

    @Test func theOldestEncodingsAreDroppedFirst() {
        let cache = EventTextCache(capacity: 2)
        _ = cache.text(for: Self.joined("a"))
        _ = cache.text(for: Self.joined("b"))
        _ = cache.text(for: Self.joined("a"))
        #expect(cache.encodings == 2)
        _ = cache.text(for: Self.joined("c"))  // evicts a
        _ = cache.text(for: Self.joined("b"))
        #expect(cache.encodings == 3)
        #expect(cache.text(for: Self.joined("a"))?.contains(#""name":"a""#) == true)
        #expect(cache.encodings == 4)
    }
}
