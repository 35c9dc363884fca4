import Testing
@testable import Classroom

/// What an offer is answered, and who learns of the tracks it publishes or ends. The offers are real Chromium ones.
@Suite struct ClassroomNegotiationTests {
    private static let cameraAndMicrophone = [PublishRequest(mid: "0", source: "microphone"),
                                              PublishRequest(mid: "1", source: "camera")]

    @Test func anOfferNeedsAJoinAndSDPThatParses() async throws {
        let classroom = try ClassroomHarness()
        await #expect(throws: ClassroomError.self) {
            _ = try await classroom.service.offer(participantID: "P-nobody", room: "lesson",
                                                  sdp: try Offers.text(Offers.sendAndReceive), publish: [], subscribe: [])
        }
        let (site, _) = try await classroom.join("site", as: .site)
        do {
            _ = try await classroom.service.offer(participantID: site.participant.id, room: site.room,
                                                  sdp: "v=0\r\nthis is not SDP\r\n", publish: [], subscribe: [])
            Issue.record("a broken offer was answered")
        } catch let error as ClassroomError {
            #expect(error.code == "bad_sdp")
        }
        do {
            _ = try await classroom.service.offer(participantID: site.participant.id, room: "another-lesson",
                                                  sdp: try Offers.text(Offers.sendAndReceive), publish: [], subscribe: [])
            Issue.record("an offer to a lesson the participant is not in was answered")
        } catch let error as ClassroomError {
            #expect(error.code == "not_joined")
        }
        await classroom.stop()
    }

    @Test func aSitePublishesWhatItSendsAndTheOthersAreTold() async throws {
        let classroom = try ClassroomHarness()
        let (_, teacherLog) = try await classroom.join("teacher", as: .teacher)
        let (site, _) = try await classroom.join("site", as: .site)
        _ = teacherLog.take()

        let answer = try await classroom.offer(site, fixture: Offers.sendAndReceive, publish: Self.cameraAndMicrophone,
                                               subscribe: [SubscribeRequest(mid: "3", trackID: "T-unknown")])
        #expect(answer.tracks.map(\.mid) == ["0", "1"])
        #expect(answer.tracks.map(\.track.kind) == ["audio", "video"])
        #expect(answer.tracks.map(\.track.source) == ["microphone", "camera"])
        #expect(answer.warnings.isEmpty)
        #expect(answer.subscriptions == [SubscriptionResult(mid: "3", trackID: "T-unknown", participantID: nil,
                                                            state: "unavailable")])
        #expect(answer.sdp.mediaSection(mid: "0").contains("a=recvonly"))
        #expect(answer.sdp.mediaSection(mid: "1").contains("a=recvonly"))
        #expect(answer.sdp.mediaSection(mid: "3").contains("a=inactive"))

        let told = teacherLog.take()
        #expect(told == answer.tracks.map { .trackPublished(participantID: site.participant.id, track: $0.track) })
        #expect(await classroom.service.roomSummary("lesson")?.tracks == 2)
        // Who joins later is shown the tracks in the participant list.
        let (late, _) = try await classroom.join("expert", as: .expert)
        #expect(late.others.first { $0.id == site.participant.id }?.tracks.count == 2)
        await classroom.stop()
    }

    @Test func anObserverMayNotPublish() async throws {
        let classroom = try ClassroomHarness()
        let (_, teacherLog) = try await classroom.join("teacher", as: .teacher)
        let (observer, _) = try await classroom.join("principal", as: .observer)

        let answer = try await classroom.offer(observer, fixture: Offers.sendAndReceive,
                                               publish: Self.cameraAndMicrophone)
        #expect(answer.tracks.isEmpty)
        #expect(answer.warnings.map(\.code) == ["forbidden", "forbidden"])
        #expect(answer.sdp.mediaSection(mid: "0").contains("a=inactive"))
        #expect(answer.sdp.mediaSection(mid: "1").contains("a=inactive"))
        #expect(teacherLog.take().isEmpty)
        #expect(await classroom.service.roomSummary("lesson")?.tracks == 0)
        await classroom.stop()
    }

    @Test func aSubscriptionIsActiveOnlyForATrackOfItsKindAndKeepsItsSSRCAcrossOffers() async throws {
        let classroom = try ClassroomHarness()
        let (site, _) = try await classroom.join("site", as: .site)
        let published = try await classroom.offer(site, fixture: Offers.sendAndReceive, publish: Self.cameraAndMicrophone)
        let audio = try #require(published.tracks.first { $0.track.kind == "audio" }).track.id
        let video = try #require(published.tracks.first { $0.track.kind == "video" }).track.id

        let (expert, _) = try await classroom.join("expert", as: .expert)
        // mid 0 receives audio, mid 1 video: the audio track asked on the video line is not given.
        let wanted = [SubscribeRequest(mid: "0", trackID: audio), SubscribeRequest(mid: "1", trackID: audio)]
        let first = try await classroom.offer(expert, fixture: Offers.receiveOnly, subscribe: wanted)
        #expect(first.subscriptions == [
            SubscriptionResult(mid: "0", trackID: audio, participantID: site.participant.id, state: "active"),
            SubscriptionResult(mid: "1", trackID: audio, participantID: nil, state: "unavailable"),
        ])
        let audioLine = first.sdp.mediaSection(mid: "0")
        #expect(audioLine.contains("a=sendonly"))
        let ssrc = try #require(audioLine.first { $0.hasPrefix("a=ssrc:") }?.split(separator: " ").first)

        // The same subscription offered again (a renegotiation) keeps the stream's SSRC; the video line now gets video.
        let again = try await classroom.offer(expert, fixture: Offers.receiveOnly,
                                              subscribe: [wanted[0], SubscribeRequest(mid: "1", trackID: video)])
        #expect(again.subscriptions.map(\.state) == ["active", "active"])
        #expect(again.sdp.mediaSection(mid: "0").first { $0.hasPrefix("a=ssrc:") }?.split(separator: " ").first == ssrc)
        #expect(again.sdp.mediaSection(mid: "1").contains("a=sendonly"))
        await classroom.stop()
    }

    @Test func aReofferThatNoLongerSendsEndsTheTracks() async throws {
        let classroom = try ClassroomHarness()
        let (_, teacherLog) = try await classroom.join("teacher", as: .teacher)
        let (site, _) = try await classroom.join("site", as: .site)
        let published = try await classroom.offer(site, fixture: Offers.sendAndReceive, publish: Self.cameraAndMicrophone)
        _ = teacherLog.take()

        let answer = try await classroom.offer(site, fixture: Offers.receiveOnly)
        #expect(answer.tracks.isEmpty)
        let ended = Set(teacherLog.take())
        #expect(ended == Set(published.tracks.map {
            ClassroomEvent.trackUnpublished(participantID: site.participant.id, trackID: $0.track.id)
        }))
        #expect(await classroom.service.roomSummary("lesson")?.tracks == 0)
        await classroom.stop()
    }

    @Test func leavingEndsTheTracksAndTheSubscriptionsToThem() async throws {
        let classroom = try ClassroomHarness()
        let (teacher, teacherLog) = try await classroom.join("teacher", as: .teacher)
        let (site, siteLog) = try await classroom.join("site", as: .site)
        let published = try await classroom.offer(site, fixture: Offers.sendAndReceive, publish: Self.cameraAndMicrophone)
        let subscriptions = published.tracks.map { SubscribeRequest(mid: $0.mid, trackID: $0.track.id) }
        let watching = try await classroom.offer(teacher, fixture: Offers.receiveOnly, subscribe: subscriptions)
        #expect(watching.subscriptions.map(\.state) == ["active", "active"])
        _ = teacherLog.take()

        await classroom.service.leave(participantID: site.participant.id, room: site.room)
        let told = teacherLog.take()
        #expect(Set(told.dropLast()) == Set(published.tracks.map {
            ClassroomEvent.trackUnpublished(participantID: site.participant.id, trackID: $0.track.id)
        }))
        #expect(told.last == .participantLeft(participantID: site.participant.id, reason: .left))
        #expect(siteLog.take().last == .removed(reason: .left))
        #expect(await classroom.service.roomSummary("lesson")?.tracks == 0)

        // The teacher's next offer finds both lines' tracks gone.
        let after = try await classroom.offer(teacher, fixture: Offers.receiveOnly, subscribe: subscriptions)
        #expect(after.subscriptions.map(\.state) == ["unavailable", "unavailable"])
        #expect(after.sdp.mediaSection(mid: "0").contains("a=inactive"))
        await classroom.stop()
    }

    @Test func aNewUfragInAnOfferRestartsICEWithFreshCredentialsInTheAnswer() async throws {
        let classroom = try ClassroomHarness()
        let (site, _) = try await classroom.join("site", as: .site)
        let first = try await classroom.offer(site, fixture: Offers.sendAndReceive)
        let again = try await classroom.offer(site, fixture: Offers.sendAndReceive)  // a renegotiation
        #expect(Self.iceCredentials(again.sdp) == Self.iceCredentials(first.sdp))
        #expect(Self.iceCredentials(first.sdp).count == 1)

        let restarted = try await classroom.offer(site, fixture: Offers.receiveOnly)  // another ice-ufrag: a restart
        let fresh = Self.iceCredentials(restarted.sdp)
        #expect(fresh.count == 1 && fresh.isDisjoint(with: Self.iceCredentials(first.sdp)))
        await classroom.stop()
    }

    /// The distinct `a=ice-ufrag` values of an SDP, each with the `a=ice-pwd` after it.
    static func iceCredentials(_ sdp: String) -> Set<String> {
        let lines = sdp.split(whereSeparator: \.isNewline)
        let ufrags = lines.filter { $0.hasPrefix("a=ice-ufrag:") }
        let passwords = lines.filter { $0.hasPrefix("a=ice-pwd:") }
        return Set(zip(ufrags, passwords).map { "\($0) \($1)" })
    }
}
