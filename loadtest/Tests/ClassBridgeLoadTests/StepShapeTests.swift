import Testing
@testable import classbridge_load

/// A step's floor is measured in the step's own shape: its mean fan-out and its mean gap between packets in.
@Suite struct StepShapeTests {
    @Test func theShapeIsTheStepsMeanFanOutAndGap() {
        let lecture = FloorShape(sentPerSecond: 160, receivedPerSecond: 1_603, pinned: true)  // 1 → 10 sites
        #expect(lecture.receivers == 10)
        #expect(lecture.burstIntervalUs == 6_250)
        #expect(lecture.pinned)
        let patrol = FloorShape(sentPerSecond: 802, receivedPerSecond: 802, pinned: false)  // 1 → 1
        #expect(patrol.receivers == 1)
        #expect(abs(patrol.burstIntervalUs - 1e6 / 802) < 1e-9)
    }

    @Test func extremesAreClampedAndMissingRatesDefault() {
        #expect(FloorShape(sentPerSecond: 1, receivedPerSecond: 5_000, pinned: false).receivers == 1_000)
        #expect(FloorShape(sentPerSecond: 1_000, receivedPerSecond: 100, pinned: false).receivers == 1)
        // usleep cannot keep gaps under about 0.1 ms, and a gap over 50 ms would make a round of a few packets.
        #expect(FloorShape(sentPerSecond: 100_000, receivedPerSecond: 100_000, pinned: false).burstIntervalUs == 50)
        #expect(FloorShape(sentPerSecond: 10, receivedPerSecond: 10, pinned: false).burstIntervalUs == 50_000)
        // Nothing sent (a broken step): 500 packets a second, and 100 receivers if nothing is known of the fan-out.
        let unknown = FloorShape(sentPerSecond: 0, receivedPerSecond: .nan, pinned: false)
        #expect(unknown.burstIntervalUs == 2_000)
        #expect(unknown.receivers == 100)
    }

    /// In the server's groups the packet rate stays: the gap is between groups, so it grows with their size.
    @Test func inGroupsTheGapIsBetweenGroups() {
        let patrol = FloorShape(sentPerSecond: 3_200, receivedPerSecond: 3_200, pinned: true, packetsPerWakeUp: 1.44)
        #expect(patrol.groupSize == 1.44)
        #expect(abs(patrol.burstIntervalUs - 450) < 1e-9)
        #expect(FloorShape(sentPerSecond: 800, receivedPerSecond: 800, pinned: true).groupSize == 1)
        // A wake-up takes at least one datagram; a job's wake-up counted alone could read a mean under 1.
        #expect(FloorShape(sentPerSecond: 800, receivedPerSecond: 800, pinned: true, packetsPerWakeUp: 0.9).groupSize == 1)
    }

    @Test func groupsAreWholeNumbersWhoseMeanIsTheGroupSize() {
        for mean in [1.0, 1.09, 1.44, 2.5, 7.0] {
            var groups = WakeUpGroups(perWakeUp: mean)
            let sizes = (0..<1_000).map { _ in groups.next() }
            #expect(sizes.allSatisfy { $0 >= 1 && $0 <= Int(mean.rounded(.up)) })
            #expect(abs(Double(sizes.reduce(0, +)) / 1_000 - mean) < 0.002, "mean \(mean)")
        }
    }
}

/// The generator's publishers keep their own capture clocks: a late frame is caught up, a long stall skips whole
/// periods without moving the source's phase (else every source behind in one stall would send in step).
@Suite struct CaptureClockTests {
    @Test func aSourceOnTimeOrSlightlyLateKeepsItsGrid() {
        #expect(Engine.nextCapture(after: 1_000, period: 100, now: 1_050) == 1_100)
        #expect(Engine.nextCapture(after: 1_000, period: 100, now: 1_250, maxLag: 200) == 1_100)  // caught up next
    }

    @Test func aSourceFarBehindSkipsWholePeriodsAndKeepsItsPhase() {
        let next = Engine.nextCapture(after: 1_000, period: 100, now: 10_037, maxLag: 200)
        #expect(next == 9_900)  // the first capture of its own grid within maxLag of now
        #expect(next % 100 == 0 && next > 10_037 - 200 && next - 100 <= 10_037 - 200)
    }
}

@Suite struct PercentileTests {
    @Test func nearestRank() {
        let sorted: [Float] = [1, 2, 3, 4]
        #expect(percentile(sorted, 50) == 2)
        #expect(percentile(sorted, 99) == 4)
        #expect(percentile(sorted, 0) == 1)
        #expect(percentile([], 50).isNaN)
    }
}

/// The floors' rounds leave room between them for the steps' clients to keep their consent
/// (`Engine.sendConsentChecks`): the hook runs before every round, outside it.
@Suite struct RoundsTests {
    @Test func theHookRunsBeforeEachRoundAndTheMedianIsTheMiddleRound() {
        var events: [String] = []
        var readings = [5.0, 1.0, 3.0][...]
        let result = median(of: 3, betweenRounds: { events.append("between") }) {
            events.append("round")
            return readings.removeFirst()
        }
        #expect(events == ["between", "round", "between", "round", "between", "round"])
        #expect(result == 3)
    }

    @Test func aReadingIsTheOneWhoseKeyIsTheMedian() {
        var readings = [(us: 9.0, tag: "a"), (us: 2.0, tag: "b"), (us: 4.0, tag: "c")][...]
        let reading = median(of: 3, by: \.us) { readings.removeFirst() }
        #expect(reading.tag == "c")
    }
}
