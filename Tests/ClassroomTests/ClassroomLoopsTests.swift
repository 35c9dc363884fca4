import Testing
@testable import Classroom

/// With several media loops a room lives on one of them, chosen by its name; its answers name that loop's port.
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
            let port = classroom.ports[ClassroomService.loopNumber(ofRoom: room, loops: 2)]
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
}
