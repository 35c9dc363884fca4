import Testing
@testable import Classroom

/// Who is in a lesson and who is told: joins, replacements, leaves, and observers, who watch invisibly.
@Suite struct ClassroomMembershipTests {
    @Test func observersAreNeitherListedNorAnnouncedButSeeEveryoneElse() async throws {
        let classroom = try ClassroomHarness()
        let (teacher, teacherLog) = try await classroom.join("teacher", as: .teacher)
        #expect(teacher.others.isEmpty)

        let (observer, observerLog) = try await classroom.join("principal", as: .observer)
        #expect(observer.others.map(\.id) == [teacher.participant.id])
        #expect(teacherLog.take().isEmpty)

        let (site, _) = try await classroom.join("rural-site", as: .site)
        #expect(site.others.map(\.id) == [teacher.participant.id])
        #expect(teacherLog.take() == [.participantJoined(site.participant)])
        #expect(observerLog.take() == [.participantJoined(site.participant)])

        await classroom.service.leave(participantID: observer.participant.id, room: observer.room)
        #expect(teacherLog.take().isEmpty)
        #expect(observerLog.take() == [.removed(reason: .left)])
        #expect(await classroom.service.roomSummary("lesson")?.participants == 2)
        await classroom.stop()
    }

    @Test func aSecondJoinOfTheSameIdentityReplacesTheFirst() async throws {
        let classroom = try ClassroomHarness()
        let (teacher, teacherLog) = try await classroom.join("teacher", as: .teacher)
        let (first, firstLog) = try await classroom.join("site-a", as: .site)
        _ = teacherLog.take()

        let (second, _) = try await classroom.join("site-a", as: .site)  // a reloaded page
        #expect(second.participant.id != first.participant.id)
        #expect(second.others.map(\.id) == [teacher.participant.id])
        #expect(firstLog.take() == [.removed(reason: .disconnected)])
        #expect(teacherLog.take() == [.participantLeft(participantID: first.participant.id, reason: .disconnected),
                                      .participantJoined(second.participant)])
        #expect(await classroom.service.roomSummary("lesson")?.participants == 2)
        await classroom.stop()
    }

    @Test func lessonsAreSeparateAndAnEmptyOneIsGone() async throws {
        let classroom = try ClassroomHarness()
        let (a, aLog) = try await classroom.join("teacher-a", as: .teacher, room: "lesson-a")
        let (b, _) = try await classroom.join("teacher-b", as: .teacher, room: "lesson-b")
        #expect(b.others.isEmpty)
        #expect(aLog.take().isEmpty)

        await classroom.service.leave(participantID: a.participant.id, room: "lesson-a")
        #expect(await classroom.service.roomSummary("lesson-a") == nil)
        #expect(await classroom.service.roomSummary("lesson-b")?.participants == 1)
        // Leaving twice, or a room that is gone, changes nothing.
        await classroom.service.leave(participantID: a.participant.id, room: "lesson-a")
        await classroom.service.leave(participantID: b.participant.id, room: "lesson-a")
        #expect(await classroom.service.roomSummary("lesson-b")?.participants == 1)
        await classroom.stop()
    }

    @Test func aClosedSignalingSocketWithoutConnectedMediaLeavesAtOnce() async throws {
        let classroom = try ClassroomHarness()
        let (_, teacherLog) = try await classroom.join("teacher", as: .teacher)
        let (site, siteLog) = try await classroom.join("site", as: .site)
        // An offer makes a transport, which no peer ever connects.
        _ = try await classroom.offer(site, fixture: Offers.sendAndReceive)
        _ = teacherLog.take()
        _ = siteLog.take()

        await classroom.service.connectionClosed(participantID: site.participant.id, room: site.room)
        #expect(teacherLog.take().contains(.participantLeft(participantID: site.participant.id,
                                                            reason: .disconnected)))
        #expect(siteLog.take().isEmpty)  // its socket is closed: nothing more is sent to it
        #expect(await classroom.service.roomSummary("lesson")?.participants == 1)
        await classroom.stop()
    }
}
