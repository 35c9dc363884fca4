import DTLS
import STUN
import Testing
import WebRTC
@testable import ClassBridgeServer

/// `GET /metrics` text: the media loop's counters, published as Prometheus counters that only go up.
@Suite struct MediaMetricsTests {
    @Test func droppedDatagramsAppearByReasonAndOnlyTheNewOnesAreAdded() throws {
        let socket = try UDPMediaSocket(host: "127.0.0.1", port: 0)
        let loop = try MediaLoop(socket: socket)
        let transports = TransportServer(socket: socket,
                                         certificate: try DTLSCertificate.generateSelfSigned(),
                                         announcedAddresses: ["127.0.0.1"])
        let metrics = MediaMetrics()
        let source = TransportAddress(ip: .v4(0x7F00_0001), port: 40_000)
        func deliver(_ bytes: [UInt8]) {
            var copy = bytes
            copy.withUnsafeMutableBytes { transports.handleDatagram($0, from: source, now: 1) }
        }
        deliver([0x80, 96, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1])  // RTP from nobody we know
        deliver([0xFF, 0])                                   // no protocol at all
        deliver([0xFF, 1])
        metrics.tick(now: 1, transports: transports, loop: loop, force: true)
        var text = metrics.text()
        #expect(text.contains(#"classbridge_datagrams_dropped_total{reason="unknown_source"} 1"#))
        #expect(text.contains(#"classbridge_datagrams_dropped_total{reason="malformed"} 2"#))
        #expect(text.contains("classbridge_media_transports 0"))
        #expect(text.contains("# TYPE classbridge_rtp_packets_received_total counter"))

        deliver([0xFF, 2])
        metrics.tick(now: 1.5, transports: transports, loop: loop)  // within the second: not yet
        #expect(metrics.text().contains(#"classbridge_datagrams_dropped_total{reason="malformed"} 2"#))
        metrics.tick(now: 2.1, transports: transports, loop: loop)
        text = metrics.text()
        #expect(text.contains(#"classbridge_datagrams_dropped_total{reason="malformed"} 3"#))
        #expect(text.contains(#"classbridge_datagrams_dropped_total{reason="unknown_source"} 1"#))
    }

    @Test func theLoopsWakeUpsAndDatagramsAreCounted() async throws {
        let socket = try UDPMediaSocket(host: "127.0.0.1", port: 0)
        let loop = try MediaLoop(socket: socket)
        let transports = TransportServer(socket: socket, certificate: try DTLSCertificate.generateSelfSigned(),
                                         announcedAddresses: ["127.0.0.1"])
        loop.start(handler: transports)
        let sender = try UDPMediaSocket(host: "127.0.0.1", port: 0)
        let target = TransportAddress(ip: .v4(0x7F00_0001), port: socket.localPort)
        for byte: UInt8 in 0..<3 { sender.send([0xFF, byte], to: target) }
        for _ in 0..<2 { sender.send([0x80, 96, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1], to: target) }  // RTP from nobody known
        // Each `run` wakes the loop with a datagram of its own, counted after its job: the k-th job sees 5 + k.
        var jobs = 0
        while try await loop.run({ transports.counters.malformed + transports.counters.unknownSource }) < 5 {
            jobs += 1
            try await Task.sleep(for: .milliseconds(5))
        }
        let metrics = MediaMetrics()
        let text = try await loop.run {
            metrics.tick(now: 1, transports: transports, loop: loop, force: true)
            return metrics.text()
        }
        loop.stop()
        await loop.waitUntilStopped()
        #expect(text.contains("classbridge_media_loop_datagrams_total \(5 + jobs + 1)\n"), "\(text)")
        #expect(text.contains("classbridge_media_loop_rtp_datagrams_total 2\n"))
        #expect(text.contains("classbridge_media_loop_rtp_wakeups_total 1\n")
                    || text.contains("classbridge_media_loop_rtp_wakeups_total 2\n"))
        #expect(text.contains(#"classbridge_media_loop_wakeups_total{wait="poll"}"#))
        #expect(text.contains(#"classbridge_media_loop_wakeups_total{wait="receive"}"#))
        #expect(text.contains(#"classbridge_media_loop_wakeups_total{wait="empty"}"#))
    }

    @Test func twoLoopsAreSummed() throws {
        let metrics = MediaMetrics(loops: 2)
        let source = TransportAddress(ip: .v4(0x7F00_0001), port: 40_000)
        let certificate = try DTLSCertificate.generateSelfSigned()
        for (number, malformed) in [(0, 2), (1, 3)] {
            let socket = try UDPMediaSocket(host: "127.0.0.1", port: 0)
            let loop = try MediaLoop(socket: socket)
            let transports = TransportServer(socket: socket, certificate: certificate, announcedAddresses: ["127.0.0.1"])
            _ = transports.makeTransport(remoteUfrag: "peer", remoteFingerprint: ("sha-256", "00"), dtlsRole: .server,
                                         consentTimeout: 10)
            for _ in 0..<malformed {
                var bytes: [UInt8] = [0xFF, 0]
                bytes.withUnsafeMutableBytes { transports.handleDatagram($0, from: source, now: 1) }
            }
            metrics.tick(loopNumber: number, now: 1, transports: transports, loop: loop, force: true)
        }
        let text = metrics.text()
        #expect(text.contains(#"classbridge_datagrams_dropped_total{reason="malformed"} 5"#))
        #expect(text.contains("classbridge_media_transports 2"))
    }

    @Test func theDelayHistogramIsExposedWithCumulativeBucketsInSeconds() {
        var histogram = DelayHistogram()
        histogram.record(ns: 40_000)      // 40 µs: the 50 µs bucket
        histogram.record(ns: 1_000_000)   // exactly 1 ms: the 1 ms bucket (bounds are inclusive)
        histogram.record(ns: 1_000_001)   // just above: 1.5 ms
        histogram.record(ns: 3_000_000_000)  // above every bound: +Inf only
        let text = MediaMetrics.exposition(histogram)
        let name = MediaMetrics.rtpDelayName
        #expect(text.contains("# TYPE \(name) histogram\n"))
        #expect(text.contains(#"\#(name)_bucket{le="2.5e-05"} 0"#))
        #expect(text.contains(#"\#(name)_bucket{le="5e-05"} 1"#))
        #expect(text.contains(#"\#(name)_bucket{le="0.00075"} 1"#))
        #expect(text.contains(#"\#(name)_bucket{le="0.001"} 2"#))
        #expect(text.contains(#"\#(name)_bucket{le="0.0015"} 3"#))
        #expect(text.contains(#"\#(name)_bucket{le="1.0"} 3"#))
        #expect(text.contains(#"\#(name)_bucket{le="+Inf"} 4"#))
        #expect(text.contains("\(name)_count 4\n"))
        #expect(text.contains("\(name)_sum 3.002040001\n"))
    }

    @Test func histogramsOfTwoLoopsAdd() {
        var first = DelayHistogram(), second = DelayHistogram()
        first.record(ns: 40_000)
        second.record(ns: 40_000)
        second.record(ns: 2_000_000)
        first.add(second)
        let text = MediaMetrics.exposition(first)
        #expect(text.contains(#"\#(MediaMetrics.rtpDelayName)_bucket{le="5e-05"} 2"#))
        #expect(text.contains("\(MediaMetrics.rtpDelayName)_count 3\n"))
        #expect(text.contains("\(MediaMetrics.rtpDelayName)_sum 0.00208\n"))
    }
}
