import Testing
@testable import Classroom

/// With several media loops a room lives on one of them, the least loaded when it opened (by name among equals);
/// its answers name that loop's port.
@Suite struct ClassroomLoopsTests {
    @Test func aRoomsLoopIsItsNameHashedAndRoomsSpreadOverTheLoops() {
        #expect(ClassroomService.loopNumber(ofRoom: "lesson", loops: 1) == 0)
        let rooms = (0..<64).map { "room-\($0)" }
        let numbers = rooms.map { ClassroomService.loopNumber(ofRoom: $0, loops: 4) }
        #expect(numbers == rooms.map { ClassroomService.loopNumber(ofRoom: $0, loops: 4) }, "the same every time")
        #expect(Set(numbers) == [0, 1, 2, 3])
        #expect(numbers.allSatisfy { number in numbers.filter { $0 == number }.count >= 8 }, "\(numbers)")
    }

    @Test func eachRoomIsAnsweredFromItsOwnLoopsPort() async throws {
        let classroom = try ClassroomHarness(loops: 2)
        let rooms = ["lesson-0", "lesson-1", "lesson-2", "lesson-3", "lesson-4", "lesson-5"]
        var seen: Set<UInt16> = []
        for room in rooms {
            let (teacher, _) = try await classroom.join("teacher", as: .teacher, room: room)
            let (site, _) = try await classroom.join("site", as: .site, room: room)
            let port = classroom.ports[classroom.service.loopNumber(ofRoom: room)]
            for joined in [teacher, site] {
                let answer = try await classroom.offer(joined, fixture: Offers.sendAndReceive)
                let candidate = try #require(answer.sdp.mediaSection(mid: "0").first { $0.hasPrefix("a=candidate:") })
                #expect(candidate.split(separator: " ")[5] == "\(port)", "room \(room): \(candidate)")
            }
            #expect(await classroom.service.roomSummary(room)?.participants == 2)
            seen.insert(port)
        }
        #expect(seen.count == 2, "six rooms, both loops used")
        await classroom.stop()
    }

    @Test func twoLessonsWhoseNamesHashAlikeOpenOnDifferentLoops() async throws {
        let classroom = try ClassroomHarness(loops: 2)
        let (first, second) = RoomPlacementTests.collidingRooms(loops: 2)
        let (teacher, _) = try await classroom.join("teacher", as: .teacher, room: first)
        let (site, _) = try await classroom.join("site", as: .site, room: second)
        let loops = [first, second].map { classroom.service.loopNumber(ofRoom: $0) }
        #expect(loops[0] != loops[1], "\(first) and \(second) both hash to loop \(loops[0])")
        for (joined, loop) in zip([teacher, site], loops) {
            let answer = try await classroom.offer(joined, fixture: Offers.sendAndReceive)
            let candidate = try #require(answer.sdp.mediaSection(mid: "0").first { $0.hasPrefix("a=candidate:") })
            #expect(candidate.split(separator: " ")[5] == "\(classroom.ports[loop])")
        }
        // The first lesson ends; opened again, it goes where the load now is least: beside nobody.
        await classroom.service.leave(participantID: teacher.participant.id, room: first)
        #expect(await classroom.service.roomSummary(first) == nil)
        _ = try await classroom.join("teacher", as: .teacher, room: first)
        #expect(classroom.service.loopNumber(ofRoom: first) == loops[0])
        await classroom.stop()
    }
}
