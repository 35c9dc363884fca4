import Foundation
import STUN
import Testing
import WebRTC

/// A loop awake for a datagram runs a tick that is due within half an interval at once, so a light lesson's timers
/// ride on its packets' wake-ups instead of adding their own. Judged by the loop's own clock (the `now` it hands
/// out), so a slow machine changes which case a datagram falls into, never the verdict.
@Suite struct MediaLoopEarlyTickTests {
    /// A started loop that records what it hands its handler, and a way to send it one datagram.
    func startLoop(tickInterval: Double) throws -> (MediaLoop, RecordingHandler, () -> Void) {
        let loop = try MediaLoop(socket: UDPMediaSocket(host: "127.0.0.1", port: 0), tickInterval: tickInterval)
        let handler = RecordingHandler()
        let sender = try UDPMediaSocket(host: "127.0.0.1", port: 0)
        let target = try #require(TransportAddress(string: "127.0.0.1", port: loop.socket.localPort))
        loop.start(handler: handler)
        return (loop, handler, { sender.send([0x80, 0, 0, 1], to: target) })
    }

    @Test func aTickDueWithinHalfAnIntervalRidesOnADatagramsWakeUp() async throws {
        let interval = 1.0
        let (loop, handler, send) = try startLoop(tickInterval: interval)
        for delay in [200, 500] {  // ≈ 0.2 s after the first tick (not due soon), then ≈ 0.7 s (due within 0.5 s)
            try await Task.sleep(for: .milliseconds(delay))
            send()
        }
        try await Task.sleep(for: .milliseconds(100))
        loop.stop()
        await loop.waitUntilStopped()

        let events = handler.events.withLock { $0 }
        // When the next tick is due, as the loop schedules it: an interval after the last one was due, or after it
        // ran if it ran late. Not an interval after it ran: an early tick keeps the grid (a slow machine, whose
        // first datagram came late enough to take the tick early, made that reading fail).
        var due: Double?
        for (index, event) in events.enumerated() {
            switch event {
            case .tick(let now): due = max(due ?? now, now) + interval
            case .datagram(let now):
                let until = (due ?? now) - now
                guard case .tick(let next)? = events.dropFirst(index + 1).first, next - now < 0.05 else {
                    #expect(until > interval / 2, "a tick due in \(until) s waited for its own wake-up")
                    continue
                }
                #expect(until <= interval / 2 + 0.05, "a tick due in \(until) s ran early: not due within half")
            }
        }
        #expect(events.count { if case .datagram = $0 { true } else { false } } == 2)
    }

    @Test func earlyTicksDoNotComeMoreOftenThanTheInterval() async throws {
        let interval = 0.1
        let (loop, handler, send) = try startLoop(tickInterval: interval)
        let start = ContinuousClock.now
        while ContinuousClock.now - start < .seconds(1) {  // a datagram every 20 ms: every tick can come early
            send()
            try await Task.sleep(for: .milliseconds(20))
        }
        loop.stop()
        await loop.waitUntilStopped()

        let ticks = handler.events.withLock { $0 }.compactMap { event -> Double? in
            if case .tick(let now) = event { now } else { nil }
        }
        let span = try #require(ticks.last) - ticks[0]
        // One per interval: the first at start, then one per 0.1 s slot. Ticks 0.05 s after the last one, as
        // every early tick from the time it ran would give, make about twice as many.
        #expect(Double(ticks.count - 1) <= span / interval + 1, "\(ticks.count) ticks in \(span) s")
    }
}
