import Foundation
import STUN
import Testing
import WebRTC

/// Operators and the load generator find the media loop among the server's threads by its name.
@Suite struct MediaLoopThreadTests {
    @Test func theLoopThreadCarriesItsNameInProc() async throws {
        let loop = try MediaLoop(socket: UDPMediaSocket(host: "127.0.0.1", port: 0))
        let handler = RecordingHandler()
        loop.start(handler: handler)
        // The name is set first thing on the thread; a job run there comes after it.
        try await loop.run {}
        let tasks = try FileManager.default.contentsOfDirectory(atPath: "/proc/self/task")
        let names = tasks.compactMap { try? String(contentsOfFile: "/proc/self/task/\($0)/comm", encoding: .utf8) }
        loop.stop()
        await loop.waitUntilStopped()
        #expect(names.map { $0.trimmingCharacters(in: .newlines) }.contains(MediaLoop.threadName))
        #expect(MediaLoop.threadName.utf8.count <= 15)
    }
}
