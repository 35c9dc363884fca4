import DTLS
import Foundation
import Logging
import Synchronization
import WebRTC
@testable import Classroom

/// A classroom on a real media loop and transport server on loopback, wired as the server wires them. No peer
/// connects: these tests are about who is told what and what an offer is answered, not about media.
final class ClassroomHarness: Sendable {
    let service: ClassroomService
    private let loops: [MediaLoop]
    /// Each loop's UDP port, in loop order.
    let ports: [UInt16]

    init(settings: MediaSettings = MediaSettings(), loops count: Int = 1) throws {
        let certificate = try DTLSCertificate.generateSelfSigned()
        let loops = try (0..<count).map { _ in
            let socket = try UDPMediaSocket(host: "127.0.0.1", port: 0)
            return (loop: try MediaLoop(socket: socket),
                    transports: TransportServer(socket: socket, certificate: certificate, announcedAddresses: ["127.0.0.1"]))
        }
        service = ClassroomService(loops: loops, settings: settings,
                                   logger: Logger(label: "classroom-tests", factory: { _ in SwiftLogNoOpLogHandler() }))
        for (loop, transports) in loops { loop.start(handler: transports) }
        self.loops = loops.map(\.loop)
        ports = loops.map(\.transports.port)
    }

    func stop() async {
        for loop in loops {
            loop.stop()
            await loop.waitUntilStopped()
        }
    }

    /// Joins `room` and returns what the join answered with the log of this participant's events.
    func join(_ identity: String, as role: Role, room: String = "lesson") async throws -> (JoinResult, EventLog) {
        let log = EventLog()
        let result = try await service.join(room: room, identity: identity, name: identity.capitalized, role: role,
                                            events: log.record)
        return (result, log)
    }

    func offer(_ joined: JoinResult, fixture: String, publish: [PublishRequest] = [],
               subscribe: [SubscribeRequest] = []) async throws -> OfferResult {
        try await service.offer(participantID: joined.participant.id, room: joined.room, sdp: try Offers.text(fixture),
                                 publish: publish, subscribe: subscribe)
    }
}

/// One participant's signaling events, in the order the classroom sent them (on the media loop).
final class EventLog: Sendable {
    private let events = Mutex<[ClassroomEvent]>([])

    var record: @Sendable (ClassroomEvent) -> Void { { [self] event in events.withLock { $0.append(event) } } }

    /// What arrived since the last `take`.
    func take() -> [ClassroomEvent] {
        events.withLock { events in
            let taken = events
            events.removeAll()
            return taken
        }
    }
}

/// Offers captured from real peers: the SDP tests' fixtures (see their README for provenance).
enum Offers {
    /// Chromium: microphone and camera sent (mids 0, 1), audio and video received (mids 2, 3).
    static let sendAndReceive = "chromium-offer-sendrecv.sdp"
    /// Chromium: audio and video received only (mids 0, 1).
    static let receiveOnly = "chromium-offer-recvonly.sdp"

    static func text(_ name: String) throws -> String {
        let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("SDPTests/Fixtures")
        return try String(contentsOf: fixtures.appendingPathComponent(name), encoding: .utf8)
    }
}

extension String {
    /// The lines of one m-section of an SDP, found by its `a=mid`.
    func mediaSection(mid: String) -> [Substring] {
        var sections: [[Substring]] = []
        for line in split(whereSeparator: \.isNewline) {
            if line.hasPrefix("m=") { sections.append([]) }
            if !sections.isEmpty { sections[sections.count - 1].append(line) }
        }
        return sections.first { $0.contains("a=mid:\(mid)") } ?? []
    }
}
