import Foundation
import STUN
import Testing
import WebRTC

/// The media loop times each RTP datagram from the kernel's receipt (SO_TIMESTAMPNS) to the end of its handling,
/// so the queue behind other datagrams counts, and RTCP, STUN and DTLS do not.
@Suite struct MediaLoopDelayTests {
    /// Takes 2 ms over every RTP datagram, as a slow fan-out would.
    final class SlowHandler: DatagramHandler, @unchecked Sendable {
        func handleDatagram(_ bytes: UnsafeMutableRawBufferPointer, from source: TransportAddress, now: Double) {
            if bytes[0] >= 128 && bytes[1] < 192 { usleep(2_000) }
        }
        func tick(now: Double) {}
    }

    @Test func rtpIsTimedFromArrivalSoItsQueueCountsAndOtherProtocolsAreNot() async throws {
        let socket = try UDPMediaSocket(host: "127.0.0.1", port: 0)
        let loop = try MediaLoop(socket: socket)
        let handler = SlowHandler()
        loop.start(handler: handler)
        let sender = try UDPMediaSocket(host: "127.0.0.1", port: 0)
        let server = TransportAddress(ip: .v4(0x7F00_0001), port: socket.localPort)
        for sequence in UInt8(0)..<5 {
            sender.send([0x80, 96, 0, sequence, 0, 0, 0, 0, 0, 0, 0, 1] + [UInt8](repeating: 0, count: 100), to: server)
        }
        sender.send([0x80, 201, 0, 1, 0, 0, 0, 1], to: server)                            // RTCP receiver report
        sender.send([0x00, 0x01, 0, 0, 0x21, 0x12, 0xA4, 0x42] + [UInt8](repeating: 0, count: 12), to: server)  // STUN
        sender.send([22, 0xFE, 0xFD] + [UInt8](repeating: 0, count: 10), to: server)      // DTLS

        var histogram = DelayHistogram()
        for _ in 0..<200 where histogram.count < 5 {
            try await Task.sleep(for: .milliseconds(10))
            histogram = try await loop.run { loop.rtpDelay }
        }
        loop.stop()
        await loop.waitUntilStopped()

        #expect(histogram.count == 5)
        let bounds = DelayHistogram.boundsNs
        // Each took at least its own 2 ms of handling: none in a bucket that ends below 2 ms.
        #expect(histogram.counts[..<bounds.firstIndex(of: 2_000_000)!].reduce(0, +) == 0)
        // The fifth waited behind the four before it (≥ 10 ms in all): the clock starts at the kernel's receipt.
        #expect(histogram.counts[(bounds.firstIndex(of: 7_500_000)! + 1)...].reduce(0, +) >= 1)
        #expect(histogram.sumNs >= 5 * 2_000_000 + (1 + 2 + 3 + 4) * 2_000_000)
    }

    @Test func bucketsIncludeTheirUpperBoundAndNegativeDurationsCountAsZero() {
        var histogram = DelayHistogram()
        histogram.record(ns: -5)             // the wall clock stepped back: 0, the first bucket
        histogram.record(ns: 10_000)         // exactly 10 µs: still the first bucket
        histogram.record(ns: 10_001)         // the 25 µs bucket
        histogram.record(ns: 5_000_000_000)  // above 1 s: the last (+Inf) bucket
        #expect(histogram.counts[0] == 2)
        #expect(histogram.counts[1] == 1)
        #expect(histogram.counts[DelayHistogram.boundsNs.count] == 1)
        #expect(histogram.count == 4)
        #expect(histogram.sumNs == 10_000 + 10_001 + 5_000_000_000)
    }
}
