import Classroom
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
                                         announcedAddress: "127.0.0.1")
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
}
