import Foundation
import STUN
import Testing
import WebRTC

/// While datagrams keep coming the loop waits in its socket's receive, not in `poll` and then the receive; jobs
/// wake it there with a datagram of their own, which the handler never sees, whatever address the socket has.
@Suite struct MediaLoopWaitTests {
    /// A started loop on `host`, its handler, and a way to send it one datagram from a socket of the same family.
    func startLoop(host: String = "127.0.0.1", tickInterval: Double) throws
        -> (MediaLoop, RecordingHandler, () -> Void) {
        let loop = try MediaLoop(socket: UDPMediaSocket(host: host, port: 0), tickInterval: tickInterval)
        let handler = RecordingHandler()
        let ipv6 = host.contains(":")
        let sender = try UDPMediaSocket(host: ipv6 ? "::1" : "127.0.0.1", port: 0)
        let target = try #require(TransportAddress(string: ipv6 ? "::1" : "127.0.0.1", port: loop.socket.localPort))
        loop.start(handler: handler)
        return (loop, handler, { sender.send([0x80, 0, 0, 1], to: target) })
    }

    func datagramCount(_ handler: RecordingHandler) -> Int {
        handler.events.withLock { $0.count { if case .datagram = $0 { true } else { false } } }
    }

    @Test func whileDatagramsKeepComingTheLoopWaitsInItsReceive() async throws {
        // Ticks 100 ms apart, so the receive's timeout outlasts any gap a slow machine puts between datagrams.
        let (loop, handler, send) = try startLoop(tickInterval: 0.1)
        for _ in 0..<40 {
            send()
            try await Task.sleep(for: .milliseconds(5))
        }
        loop.stop()
        await loop.waitUntilStopped()
        #expect(datagramCount(handler) == 40)
        // The first datagram finds the loop in poll; the rest find it in the receive (several may share a wake-up).
        let wakeUps = loop.wakeUps
        #expect(wakeUps.inPoll <= 2, "\(wakeUps.inPoll) wake-ups in poll")
        #expect(wakeUps.inReceive >= 10, "\(wakeUps.inReceive) wake-ups in the receive")
        #expect((40...41).contains(wakeUps.datagrams), "\(wakeUps.datagrams) datagrams: 40, and stop's wake-up")
    }

    @Test func aJobWakesALoopWaitingInItsReceiveAtOnce() async throws {
        // The receive waits up to a tick interval: 10 s here, so a job that only ran when it timed out would take
        // seconds, not the moment it takes.
        let (loop, handler, send) = try startLoop(tickInterval: 10)
        send()
        while datagramCount(handler) == 0 { try await Task.sleep(for: .milliseconds(1)) }
        let start = ContinuousClock.now
        try await loop.run {}
        let waited = ContinuousClock.now - start
        loop.stop()
        await loop.waitUntilStopped()
        #expect(waited < .seconds(5), "the job waited \(waited)")
        #expect(loop.wakeUps.inReceive >= 1)
    }

    @Test(arguments: ["127.0.0.1", "0.0.0.0", "::1", "::"])
    func jobsWakeUpsNeverReachTheHandler(host: String) async throws {
        let (loop, handler, send) = try startLoop(host: host, tickInterval: 0.01)
        for round in 0..<20 {
            try await loop.run {}
            if round % 5 == 0 { send() }  // in the receive and in poll, both
        }
        loop.stop()
        await loop.waitUntilStopped()
        #expect(datagramCount(handler) == 4)
        #expect(loop.wakeUps.inReceive + loop.wakeUps.inPoll >= 20)
        #expect(loop.wakeUps.datagrams >= 24)  // the handler's 4 and the jobs' own
    }

    @Test func ticksGoOnAfterTheDatagramsStop() async throws {
        let (loop, handler, send) = try startLoop(tickInterval: 0.01)
        for _ in 0..<10 {
            send()
            try await Task.sleep(for: .milliseconds(2))
        }
        try await Task.sleep(for: .milliseconds(50))  // the receive times out; the loop waits in poll again
        let before = handler.tickCount
        try await Task.sleep(for: .milliseconds(200))
        let after = handler.tickCount
        loop.stop()
        await loop.waitUntilStopped()
        #expect(after - before >= 5, "\(after - before) ticks in 200 ms, on a 10 ms interval")
        #expect(loop.wakeUps.empty >= 5, "the ticks' own wake-ups, without datagrams")
    }
}
