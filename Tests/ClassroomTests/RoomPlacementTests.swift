import Testing
@testable import Classroom

/// Where rooms open, how long they stay, and what a loop's load counts (`RoomPlacement`, a value: no loops here).
@Suite struct RoomPlacementTests {
    /// Two room names that hash to the same loop of `loops`.
    static func collidingRooms(loops: Int) -> (String, String) {
        let names = (0..<64).map { "room-\($0)" }
        for (i, a) in names.enumerated() {
            let loop = ClassroomService.loopNumber(ofRoom: a, loops: loops)
            if let b = names[(i + 1)...].first(where: { ClassroomService.loopNumber(ofRoom: $0, loops: loops) == loop }) {
                return (a, b)
            }
        }
        fatalError("64 names on \(loops) loops without a collision")
    }

    @Test func anIdleServerPlacesARoomByItsName() {
        var placement = RoomPlacement(loops: 4)
        for room in ["a", "b", "lesson-7"] {
            #expect(placement.loop(of: room) == nil)
            let loop = placement.beginJoin(room)
            #expect(loop == ClassroomService.loopNumber(ofRoom: room, loops: 4))
            placement.joinDone(room)
            placement.lessonEnded(room)  // nobody stayed: forgotten, and the loops are idle again
            #expect(placement.loop(of: room) == nil && placement.load == [0, 0, 0, 0])
        }
    }

    @Test func aNewRoomOpensOnTheLeastLoadedLoopWhateverItsName() {
        let (first, second) = Self.collidingRooms(loops: 2)
        var placement = RoomPlacement(loops: 2)
        let busy = placement.beginJoin(first)
        placement.participants(onLoop: busy, changedBy: 1)
        placement.joinDone(first)
        #expect(placement.load[busy] == 1)
        let other = placement.beginJoin(second)
        #expect(other == 1 - busy, "its name hashes to the busy loop; the idle one takes it")
        #expect(placement.loop(of: first) == busy && placement.loop(of: second) == other)
    }

    @Test func joinsOnTheirWayCountSoABurstOfNewRoomsSpreads() {
        var placement = RoomPlacement(loops: 3)
        let loops = (0..<6).map { placement.beginJoin("burst-\($0)") }
        #expect(loops.sorted() == [0, 0, 1, 1, 2, 2], "\(loops)")
        #expect(placement.load == [2, 2, 2])
    }

    @Test func anOpenRoomStaysOnItsLoopWhileOthersEmpty() {
        var placement = RoomPlacement(loops: 2)
        let loop = placement.beginJoin("big")
        placement.participants(onLoop: loop, changedBy: 1)
        placement.joinDone("big")
        for _ in 0..<5 {
            #expect(placement.beginJoin("big") == loop, "the room's loop, though the other is idle")
            placement.participants(onLoop: loop, changedBy: 1)
            placement.joinDone("big")
        }
        #expect(placement.load[loop] == 6 && placement.load[1 - loop] == 0)
    }

    @Test func aRoomWhoseLessonEndsWithAJoinOnItsWayStays() {
        var placement = RoomPlacement(loops: 2)
        let loop = placement.beginJoin("r")
        placement.participants(onLoop: loop, changedBy: 1)
        placement.joinDone("r")
        _ = placement.beginJoin("r")              // routed to the room's loop, not yet run there
        placement.participants(onLoop: loop, changedBy: -1)
        placement.lessonEnded("r")                // the last one left meanwhile
        #expect(placement.loop(of: "r") == loop, "the join on its way must open the room where it is sent")
        placement.participants(onLoop: loop, changedBy: 1)
        placement.joinDone("r")
        placement.participants(onLoop: loop, changedBy: -1)
        placement.lessonEnded("r")
        #expect(placement.loop(of: "r") == nil)
        #expect(placement.load == [0, 0])
    }
}
