public import WebRTC
public import Logging
import Synchronization

/// The classroom's public face for the signaling layer. Every call hops onto the media loop of its room, where all
/// that room's state lives; the caller gets values back, never references into that state.
public final class ClassroomService: Sendable {
    /// One per media loop. A room lives on one of them while it is open (`RoomPlacement`).
    private let loops: [(loop: MediaLoop, state: LoopState)]
    private let placement: PlacementLock
    public let settings: MediaSettings

    public convenience init(loop: MediaLoop, transports: TransportServer, settings: MediaSettings, logger: Logger) {
        self.init(loops: [(loop, transports)], settings: settings, logger: logger)
    }

    /// `loops`: each media loop with the transport server on its socket.
    public init(loops: [(loop: MediaLoop, transports: TransportServer)], settings: MediaSettings, logger: Logger) {
        precondition(!loops.isEmpty, "a classroom needs a media loop")
        self.settings = settings
        let placement = PlacementLock(RoomPlacement(loops: loops.count))
        self.placement = placement
        self.loops = loops.enumerated().map { number, entry in
            let (loop, transports) = entry
            let state = LoopState(number: number, placement: placement, transports: transports, settings: settings,
                                  logger: logger)
            transports.addTickHook { [state] now in state.tick(now: now) }
            return (loop, state)
        }
    }

    /// Which loop a room opens on when the loops are equally loaded: FNV-1a of its name, so the same room maps to the
    /// same loop in every process, mixed by MurmurHash3's finalizer (FNV's low bits follow only the low bits of the
    /// bytes, and a modulo by a power of two reads just those).
    public static func loopNumber(ofRoom room: String, loops: Int) -> Int {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in room.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01B3 }
        hash ^= hash >> 33
        hash = hash &* 0xFF51_AFD7_ED55_8CCD
        hash ^= hash >> 33
        hash = hash &* 0xC4CE_B9FE_1A85_EC53
        hash ^= hash >> 33
        return Int(hash % UInt64(max(1, loops)))
    }

    /// The loop `room` is open on; for a room that is not open any loop answers alike (not joined), so its hash's.
    public func loopNumber(ofRoom room: String) -> Int {
        placement.withLock { $0.loop(of: room) } ?? Self.loopNumber(ofRoom: room, loops: loops.count)
    }

    private func on<T: Sendable>(_ room: String, _ body: @escaping @Sendable (LoopState) throws -> T) async throws -> T {
        let (loop, state) = loops[loopNumber(ofRoom: room)]
        return try await loop.run { try body(state) }
    }

    /// Joins `room`, opening it on the least loaded loop if it is not open. A second join of the same identity
    /// replaces the first (a reloaded page).
    public func join(room: String, identity: String, name: String, role: Role,
                     events: @escaping @Sendable (ClassroomEvent) -> Void) async throws -> JoinResult {
        let (loop, state) = loops[placement.withLock { $0.beginJoin(room) }]
        return try await loop.run {
            defer { state.placement.withLock { $0.joinDone(room) } }
            return state.join(room: room, identity: identity, name: name, role: role, events: events)
        }
    }

    public func offer(participantID: String, room: String, sdp: String, publish: [PublishRequest],
                      subscribe: [SubscribeRequest]) async throws -> OfferResult {
        try await on(room) {
            try $0.offer(participantID: participantID, room: room, sdp: sdp, publish: publish, subscribe: subscribe)
        }
    }

    public func leave(participantID: String, room: String) async {
        _ = try? await on(room) { $0.leave(participantID: participantID, room: room, reason: .left) }
    }

    /// The signaling socket closed without `leave`. A participant whose media still flows stays until ICE consent
    /// lapses (a dropped WebSocket on a rural link must not end the lesson for that class); one without media goes now.
    public func connectionClosed(participantID: String, room: String) async {
        _ = try? await on(room) { $0.connectionClosed(participantID: participantID, room: room) }
    }

    /// Counts for health and tests.
    public func roomSummary(_ room: String) async -> (participants: Int, tracks: Int)? {
        try? await on(room) { $0.summary(room) }
    }
}

/// The room placement under a lock, shared by the service (routing calls) and its loops (reporting changes).
final class PlacementLock: Sendable {
    private let placement: Mutex<RoomPlacement>
    init(_ placement: RoomPlacement) { self.placement = Mutex(placement) }
    func withLock<T: Sendable>(_ body: (inout RoomPlacement) -> T) -> T { placement.withLock { body(&$0) } }
}

/// All lessons of one media loop. Touched only on that loop.
final class LoopState: @unchecked Sendable {
    let number: Int
    let placement: PlacementLock
    let transports: TransportServer
    let settings: MediaSettings
    let logger: Logger
    private var lessons: [String: Lesson] = [:]

    init(number: Int, placement: PlacementLock, transports: TransportServer, settings: MediaSettings, logger: Logger) {
        self.number = number
        self.placement = placement
        self.transports = transports
        self.settings = settings
        self.logger = logger
    }

    func join(room: String, identity: String, name: String, role: Role,
              events: @escaping @Sendable (ClassroomEvent) -> Void) -> JoinResult {
        let lesson = lessons[room] ?? Lesson(name: room, logger: logger) { [placement, number] change in
            placement.withLock { $0.participants(onLoop: number, changedBy: change) }
        }
        lessons[room] = lesson
        if let previous = lesson.participant(withIdentity: identity) {
            lesson.remove(previous, reason: .disconnected)
        }
        let participant = Participant(id: Identifiers.make("P"), identity: identity, name: name, role: role,
                                      lesson: lesson, events: events)
        let others = lesson.visibleParticipants(except: participant)
        lesson.add(participant)
        return JoinResult(room: room, participant: participant.info, others: others)
    }

    func offer(participantID: String, room: String, sdp: String, publish: [PublishRequest],
               subscribe: [SubscribeRequest]) throws(ClassroomError) -> OfferResult {
        guard let participant = lessons[room]?.participants[participantID] else {
            throw ClassroomError("not_joined", "participant \(participantID) is not in room \(room)")
        }
        let negotiation = Negotiation(participant: participant, transports: transports, settings: settings)
        let (result, announce) = try negotiation.apply(sdp: sdp, publish: publish, subscribe: subscribe)
        for action in announce { action() }
        return result
    }

    func leave(participantID: String, room: String, reason: LeaveReason) {
        guard let lesson = lessons[room], let participant = lesson.participants[participantID] else { return }
        lesson.remove(participant, reason: reason)
        if lesson.isEmpty { end(room) }
    }

    func connectionClosed(participantID: String, room: String) {
        guard let lesson = lessons[room], let participant = lesson.participants[participantID] else { return }
        participant.events = nil
        if participant.transport?.state != .connected {
            leave(participantID: participantID, room: room, reason: .disconnected)
        }
    }

    func summary(_ room: String) -> (participants: Int, tracks: Int)? {
        guard let lesson = lessons[room] else { return nil }
        return (lesson.participants.count, lesson.participants.values.reduce(0) { $0 + $1.published.count })
    }

    /// Most ticks find no router due: the wall clock (for reports) is read only for one that is, and ending an
    /// emptied lesson waits until the walk is over.
    func tick(now: Double) {
        var micros: Int64?
        var emptied = false
        for lesson in lessons.values {
            if lesson.isEmpty { emptied = true; continue }
            guard now >= lesson.router.nextDue else { continue }
            let wall = micros ?? MonotonicClock.unixMicros()
            micros = wall
            lesson.router.tick(now: now, unixMicros: wall)
        }
        if emptied {
            for (name, lesson) in lessons where lesson.isEmpty { end(name) }
        }
    }

    private func end(_ room: String) {
        lessons[room] = nil
        placement.withLock { $0.lessonEnded(room) }
    }
}
