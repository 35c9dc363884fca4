import Foundation
import STUN
import Testing
import WebRTC

/// The loop ticks every `tickInterval` while its handler has something to time, and sleeps up to
/// `idleTickInterval` while it has not; any job or datagram brings the short tick back.
@Suite struct MediaLoopTickTests {
    /// Ticks counted over `seconds` of a loop with `handler` (one tick comes at start).
    func ticks(of handler: RecordingHandler, over seconds: Double, during body: (MediaLoop) async throws -> Void = { _ in })
        async throws -> Int {
        let loop = try MediaLoop(socket: UDPMediaSocket(host: "127.0.0.1", port: 0), tickInterval: 0.01,
                                 idleTickInterval: 10)
        loop.start(handler: handler)
        try await Task.sleep(for: .milliseconds(Int(seconds * 1000)))
        try await body(loop)
        loop.stop()
        await loop.waitUntilStopped()
        return handler.tickCount
    }

    @Test func aBusyHandlerIsTickedEveryTenMilliseconds() async throws {
        let count = try await ticks(of: RecordingHandler(idle: false), over: 0.3)
        #expect(count >= 10)  // 30 on time; a slow CI machine still gives a third of them
    }

    @Test func anIdleHandlerLetsTheLoopSleep() async throws {
        let count = try await ticks(of: RecordingHandler(idle: true), over: 0.3)
        #expect(count == 1)  // the first tick, at start; the next one is 10 s away
    }

    @Test func aJobOnAnIdleLoopBringsATickSoon() async throws {
        let handler = RecordingHandler(idle: true)
        let count = try await ticks(of: handler, over: 0.1) { loop in
            let before = handler.tickCount
            try await loop.run {}  // e.g. signaling creating a transport
            try await Task.sleep(for: .milliseconds(300))
            #expect(handler.tickCount > before)
        }
        #expect(count == 2)  // the first tick, and the one after the job; then idle again
    }
}
