import Foundation
import Testing
import STUN
import WebRTC
@testable import classbridge_load

/// What the generator reads from the server: its forwarding-delay histogram from `/metrics`, and its media loop
/// thread from `/proc` (found by the name the server gives it).
@Suite struct ServerReadingTests {
    /// The server's exposition (swift-prometheus), trimmed to a few buckets, with lines of other metrics around.
    static let exposition = """
        # TYPE classbridge_rtp_packets_sent_total counter
        classbridge_rtp_packets_sent_total 1200
        # TYPE classbridge_rtp_forwarding_delay_seconds histogram
        classbridge_rtp_forwarding_delay_seconds_bucket{le="5e-05"} 100
        classbridge_rtp_forwarding_delay_seconds_bucket{le="0.0001"} 600
        classbridge_rtp_forwarding_delay_seconds_bucket{le="0.001"} 990
        classbridge_rtp_forwarding_delay_seconds_bucket{le="1.0"} 1000
        classbridge_rtp_forwarding_delay_seconds_bucket{le="+Inf"} 1000
        classbridge_rtp_forwarding_delay_seconds_sum 0.2
        classbridge_rtp_forwarding_delay_seconds_count 1000
        """

    @Test func aStepWithStealSaysItsCPUReadingsAreNotComparable() throws {
        #expect(StepResult.stealWarning(percent: nil, step: "patrol R5") == nil)
        #expect(StepResult.stealWarning(percent: 0.9, step: "patrol R5") == nil)
        let warning = try #require(StepResult.stealWarning(percent: 7.25, step: "patrol R5 P1 S1"))
        #expect(warning.contains("[patrol R5 P1 S1] steal 7.2 %"))
        #expect(warning.contains("not comparable"))
    }

    @Test func theDelayHistogramParsesAndGivesAWindowsPercentiles() throws {
        let after = try #require(ServerDelayHistogram.parse(Self.exposition))
        #expect(after.bounds == [5e-05, 0.0001, 0.001, 1.0, .infinity])
        #expect(after.count == 1000)
        #expect(after.percentWithin(0.001) == 99)
        // p50 lies in (50 µs, 100 µs]: 400 of its 500 packets in, interpolated as histogram_quantile does.
        #expect(abs(try #require(after.percentileUs(50)) - 90) < 1e-9)

        let before = try #require(ServerDelayHistogram.parse(Self.exposition.replacingOccurrences(of: "} 600", with: "} 500")
            .replacingOccurrences(of: "} 990", with: "} 500").replacingOccurrences(of: "} 1000", with: "} 500")))
        let window = after.since(before)  // what the server counted between the two readings
        #expect(window.cumulative == [0, 100, 490, 500, 500])
        #expect(window.percentWithin(0.001) == 98)
    }

    @Test func theLoopsWakeUpsGiveAWindowsDatagramsPerWakeUp() throws {
        func exposition(receive: Int, poll: Int, empty: Int, datagrams: Int) -> String {
            Self.exposition + """

                # TYPE classbridge_media_loop_wakeups_total counter
                classbridge_media_loop_wakeups_total{wait="receive"} \(receive)
                classbridge_media_loop_wakeups_total{wait="poll"} \(poll)
                classbridge_media_loop_wakeups_total{wait="empty"} \(empty)
                # TYPE classbridge_media_loop_datagrams_total counter
                classbridge_media_loop_datagrams_total \(datagrams)
                classbridge_media_loop_rtp_wakeups_total \(receive / 2)
                classbridge_media_loop_rtp_datagrams_total \(datagrams / 2)
                """
        }
        let before = try #require(ServerWakeUps.parse(exposition(receive: 100, poll: 20, empty: 50, datagrams: 150)))
        #expect(before == ServerWakeUps(withDatagrams: 120, empty: 50, datagrams: 150, withRTP: 50, rtpDatagrams: 75))
        let after = try #require(ServerWakeUps.parse(exposition(receive: 900, poll: 120, empty: 80, datagrams: 1_300)))
        let window = after.since(before)
        #expect(window == ServerWakeUps(withDatagrams: 900, empty: 30, datagrams: 1_150, withRTP: 400, rtpDatagrams: 575))
        #expect(try #require(window.datagramsPerWakeUp) > 1.27 && window.datagramsPerWakeUp! < 1.28)
        #expect(window.rtpPerWakeUp == 575.0 / 400)
        #expect(ServerWakeUps.parse(Self.exposition) == nil)  // a server without them
        #expect(ServerWakeUps(withDatagrams: 0, empty: 10, datagrams: 0).datagramsPerWakeUp == nil)
    }

    @Test func samplesAreTheLinesWithAValueAndTheirLabelsStayInTheKey() {
        let samples = MetricSamples("""
            # HELP classbridge_x_total a comment's last word is no value 3
            classbridge_x_total 7
            classbridge_y{room="a b"} 2.5
            classbridge_z{wait="receive"} NaN-ish

            classbridge_y{room="c"} 4
            """)
        #expect(samples.samples.map(\.key) == ["classbridge_x_total", "classbridge_y{room=\"a b\"}", "classbridge_y{room=\"c\"}"])
        #expect(samples.samples.map(\.value) == [7, 2.5, 4])
        let ys = samples.withPrefix("classbridge_y{room=\"")
        #expect(ys.map(\.rest) == ["a b\"}", "c\"}"])
        #expect(ys.map(\.value) == [2.5, 4])
    }

    @Test func noHistogramWithoutItsInfBucket() {
        #expect(ServerDelayHistogram.parse("classbridge_rtp_packets_sent_total 3\n") == nil)
        #expect(ServerDelayHistogram.parse("classbridge_rtp_forwarding_delay_seconds_bucket{le=\"0.001\"} 4\n") == nil)
    }

    @Test func theMediaLoopThreadsAreFoundByTheNameTheServerGivesThem() async throws {
        final class Idle: DatagramHandler, @unchecked Sendable {
            func handleDatagram(_ bytes: UnsafeMutableRawBufferPointer, from source: TransportAddress, now: Double) {}
            func tick(now: Double) {}
        }
        let handler = Idle()
        let loops = try (0..<2).map { _ in try MediaLoop(socket: UDPMediaSocket(host: "127.0.0.1", port: 0)) }
        for loop in loops {
            loop.start(handler: handler)
            try await loop.run { }  // the loop thread has named itself and runs jobs
        }
        let tids = ServerProcess(pid: getpid()).mediaLoopThreads()
        #expect(tids.count == 2)
        for tid in tids {
            let comm = try String(contentsOfFile: "/proc/\(getpid())/task/\(tid)/comm", encoding: .utf8)
            #expect(comm == MediaLoop.threadName + "\n")
        }
        #expect(ServerProcess(pid: getpid()).mediaLoopSchedule() != nil)
        for loop in loops {
            loop.stop()
            await loop.waitUntilStopped()
        }
    }
}
