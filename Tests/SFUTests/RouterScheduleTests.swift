import Testing
import RTCP
@testable import SFU

/// RTCP the Router originates is scheduled per peer: a room's reports must not all leave in one tick, which
/// would stall forwarding behind them.
@Suite struct RouterScheduleTests {
    @Test func reportsOfManyPeersAreSpreadOverTicks() {
        let router = Router()
        let sinks = (0..<60).map { _ in RecordingSink() }
        for (index, sink) in sinks.enumerated() { _ = router.addPeer(id: "p\(index)", sink: sink) }
        router.tick(now: 0, unixMicros: 0)  // every peer's first report goes out at once
        #expect(sinks.allSatisfy { $0.rtcp.count == 1 })

        var largestTick = 0
        var times: [[Double]] = Array(repeating: [0], count: sinks.count)
        for step in 1...400 {  // 4 s of 10 ms ticks
            let now = Double(step) * 0.01
            let before = sinks.map(\.rtcp.count)
            router.tick(now: now, unixMicros: Int64(now * 1e6))
            var reporting = 0
            for (index, sink) in sinks.enumerated() where sink.rtcp.count > before[index] {
                reporting += 1
                times[index].append(now)
            }
            largestTick = max(largestTick, reporting)
        }
        #expect(largestTick <= 12)  // 60 peers over ≈ 100 ticks per interval; all 60 at once without the spread
        for peerTimes in times {
            #expect(peerTimes.count >= 3)
            for (earlier, later) in zip(peerTimes, peerTimes.dropFirst()) {
                #expect(later - earlier >= 0.5 - 1e-9 && later - earlier <= 1.51)
            }
        }
    }
}
