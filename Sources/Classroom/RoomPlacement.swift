/// Which media loop each open room lives on. A room opens on the loop with the fewest participants (joins on
/// their way counted), so a few big lessons do not end up sharing a core by chance of their names; among equally
/// loaded loops its name's hash decides, so an idle server places a room the same way every time. The room stays
/// on that loop until its lesson ends with no join on its way, and then is forgotten: its next lesson is placed anew.
///
/// A value, kept under `ClassroomService`'s lock: signaling tasks read it to route a call, and each loop reports
/// its lessons' changes from its own thread.
struct RoomPlacement {
    private struct Room {
        var loop: Int
        /// Joins routed to this room that its loop has not yet run: while there are any, the room stays placed even
        /// if its lesson ends, or a join would open a second lesson of it on another loop.
        var joining: Int
    }

    private var rooms: [String: Room] = [:]
    /// Participants per loop, and joins on their way to it.
    private(set) var load: [Int]

    init(loops: Int) {
        precondition(loops > 0, "a classroom needs a media loop")
        load = Array(repeating: 0, count: loops)
    }

    /// The loop of an open room, nil for a room with no lesson and no join on its way.
    func loop(of room: String) -> Int? { rooms[room]?.loop }

    /// A join is about to be sent to `room`: the loop to send it to, which keeps the room until `joinDone`.
    mutating func beginJoin(_ room: String) -> Int {
        let loop = rooms[room]?.loop ?? leastLoadedLoop(for: room)
        rooms[room, default: Room(loop: loop, joining: 0)].joining += 1
        load[loop] += 1
        return loop
    }

    /// On the room's loop: the join has run (its participant now counts through `participants(onLoop:changedBy:)`).
    mutating func joinDone(_ room: String) {
        guard var entry = rooms[room] else { return }
        entry.joining -= 1
        load[entry.loop] -= 1
        rooms[room] = entry
    }

    /// On a loop: a lesson there gained (+1) or lost (−1) a participant.
    mutating func participants(onLoop loop: Int, changedBy delta: Int) {
        load[loop] += delta
    }

    /// On the room's loop: its lesson ended (its last participant left). Forgotten unless a join is on its way.
    mutating func lessonEnded(_ room: String) {
        if rooms[room]?.joining == 0 { rooms[room] = nil }
    }

    private func leastLoadedLoop(for room: String) -> Int {
        let least = load.min() ?? 0
        let hashed = ClassroomService.loopNumber(ofRoom: room, loops: load.count)
        return load[hashed] == least ? hashed : load.firstIndex(of: least) ?? hashed
    }
}
