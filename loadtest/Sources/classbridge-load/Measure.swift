import CLoadSupport
import Foundation

extension Runner {
    /// The measurement window of one step: `stepSeconds`, a progress line every 5 s. RSS growth is taken from
    /// before the step's joins (`rssBefore`) to the end of the window, so state that fills while media flows
    /// (retransmission buffers, statistics) is counted, and divided over the step's `newStreams`.
    func measure(label: String, rooms: Int, publishers: Int, subscribers: Int, newClients: [LoadClient],
                 floor: FloorResult, rssBefore: Double?, newStreams: Int) -> StepResult {
        let windowSeconds = options.stepSeconds ?? scenario.stepSeconds
        // The server publishes it once a second, so the window's edges blur by up to a second.
        let metricsStart = scrapeServerMetrics(host: options.host, port: options.httpPort)
        engine.resetWindow()
        let start = engine.window.startNs
        let cpuStart = options.server?.cpuSeconds()
        let timesStart = options.server?.cpuTimes()
        let genStart = cbl_process_cpu_ns()
        let loopStart = options.server?.mediaLoopSchedule()
        let machineStart = MachineCPU.read()
        let controlStart = controlTotals()
        let end = start + UInt64(windowSeconds * 1e9)
        var lastReport = (ns: start, received: 0, cpu: cpuStart)
        while cbl_monotonic_ns() < end {
            engine.run(untilNs: min(end, cbl_monotonic_ns() + 5_000_000_000))
            let now = cbl_monotonic_ns()
            let received = engine.window.receivedVideo + engine.window.receivedAudio
            let cpu = options.server?.cpuSeconds()
            let dt = seconds(now - lastReport.ns)
            let cpuText = cpu.flatMap { c in lastReport.cpu.map { String(format: "%.0f%%", 100 * (c - $0) / dt) } } ?? "-"
            print(String(format: "  [%@ %@] t=%4.1fs  recv %8.0f pkt/s  server CPU %@", scenario.name, label,
                         seconds(now - start), Double(received - lastReport.received) / dt, cpuText))
            lastReport = (now, received, cpu)
        }
        let w = engine.window
        let duration = seconds(cbl_monotonic_ns() - start)
        let metricsEnd = scrapeServerMetrics(host: options.host, port: options.httpPort)
        let serverDelay = metricsStart.flatMap(ServerDelayHistogram.parse).flatMap { before in
            metricsEnd.flatMap(ServerDelayHistogram.parse)?.since(before)
        }
        let wakeUps = metricsStart.flatMap(ServerWakeUps.parse).flatMap { before in
            metricsEnd.flatMap(ServerWakeUps.parse)?.since(before)
        }
        let serverCPU = cpuStart.flatMap { s in options.server?.cpuSeconds().map { $0 - s } }
        let genCPU = Double(cbl_process_cpu_ns() - genStart) / 1e9
        let loop = loopStart.flatMap { s in options.server?.mediaLoopSchedule().map { $0 - s } }
        // The clients' SRTCP out is the server's in, and the other way round; each check is answered.
        let controlEnd = controlTotals()
        let controlTraffic = ControlTraffic(
            rtcpOutPerSecond: Double(controlEnd.rtcpReceived - controlStart.rtcpReceived) / duration,
            rtcpInPerSecond: Double(controlEnd.rtcpSent - controlStart.rtcpSent) / duration,
            checksPerSecond: Double(controlEnd.checksSent - controlStart.checksSent) / duration)
        let stealPercent = machineStart.flatMap { s in MachineCPU.read()?.stealPercent(since: s) }
        let received = w.receivedVideo + w.receivedAudio
        var expected = 0, got = 0
        for client in engine.clients { for stats in client.streams.values { expected += stats.expected; got += stats.received } }
        // What the subscriptions should have carried: every packet their track's publisher sent in the window.
        var owners: [String: Int] = [:]
        for track in tracksByRoom.values.joined() { owners[track.id] = track.owner }
        var shouldReceive = 0
        for client in engine.clients {
            for sub in client.plan.subscriptions {
                guard let owner = owners[sub.trackID] else { continue }
                shouldReceive += sub.kind == "video" ? engine.clients[owner].windowSentVideo : engine.clients[owner].windowSentAudio
            }
        }
        let latencies = (w.videoLatencyUs + w.audioLatencyUs).sorted()
        let firsts: [Float] = newClients.compactMap { client in
            guard !client.plan.subscriptions.isEmpty else { return nil }
            let wantsVideo = client.plan.subscriptions.contains { $0.kind == "video" }
            let first = wantsVideo ? client.firstVideoNs : client.firstAudioNs
            return first == 0 ? .infinity : Float(Double(first - client.joinStartNs) / 1e6)
        }.sorted()
        let usPerPacket = serverCPU.map { received > 0 ? $0 * 1e6 / Double(received) : .nan }
        let times = timesStart.flatMap { s in options.server?.cpuTimes().map { ($0.user - s.user, $0.system - s.system) } }
        func perPacket(_ seconds: Double?) -> Double? { seconds.map { received > 0 ? $0 * 1e6 / Double(received) : .nan } }
        let failed = engine.clients.filter { $0.failure != nil || !$0.srtpReady }
        for client in failed.prefix(5) { problems.append("client \(client.index) (\(client.role)): \(client.failure ?? "not connected")") }
        return StepResult(
            scenario: scenario.name, step: label, rooms: rooms, publishers: publishers, subscribers: subscribers,
            subscriberStreams: subscriberStreams(), seconds: duration,
            sentPacketsPerSecond: Double(w.sentVideo + w.sentAudio) / duration,
            receivedPacketsPerSecond: Double(received) / duration,
            receivedMbps: Double(w.receivedBytes) * 8 / duration / 1e6,
            deliveredPercent: shouldReceive > 0 ? 100 * Double(received) / Double(shouldReceive) : .nan,
            lossPercent: expected > 0 ? max(0, 100 * Double(expected - got) / Double(expected)) : 0,
            latencyP50us: percentile(latencies, 50), latencyP99us: percentile(latencies, 99),
            latencyMaxUs: Double(latencies.last ?? .nan),
            generatorBacklogP99us: percentile(w.receiveBacklogUs.sorted(), 99),
            generatorSendLatenessP99us: percentile(w.sendLatenessUs.sorted(), 99),
            serverDelayP50us: serverDelay?.percentileUs(50), serverDelayP99us: serverDelay?.percentileUs(99),
            serverDelayWithin1msPercent: serverDelay?.percentWithin(0.001),
            serverLoopCPUPercent: loop.map { 100 * $0.runNs / 1e9 / duration },
            serverLoopWaitPercent: loop.map { 100 * $0.waitNs / 1e9 / duration },
            serverLoopWaitPerWakeupUs: loop.map { $0.slices > 0 ? $0.waitNs / $0.slices / 1e3 : .nan },
            serverWakeUpsPerSecond: wakeUps.map { ($0.withDatagrams + $0.empty) / duration },
            serverDatagramsPerWakeUp: wakeUps?.datagramsPerWakeUp, serverRTPPerWakeUp: wakeUps?.rtpPerWakeUp,
            stealPercent: stealPercent,
            serverCPUPercent: serverCPU.map { 100 * $0 / duration }, serverUsPerForwardedPacket: usPerPacket,
            serverUserUsPerPacket: perPacket(times?.0), serverSystemUsPerPacket: perPacket(times?.1),
            floorUsPerPacket: floor.liveUs,
            floorRatio: usPerPacket.map { floor.liveUs / $0 }, floorShape: nil,
            fixedFloorUsPerPacket: floor.liveUs, fixedFloorRatio: usPerPacket.map { floor.liveUs / $0 },
            idleSinkFloorRatio: usPerPacket.map { floor.protectAndSendUs / $0 }, controlTraffic: controlTraffic,
            serverRSSPerStreamKB: rssBefore.flatMap { before in
                options.server?.rssKB().map { newStreams > 0 ? ($0 - before) / Double(newStreams) : .nan }
            },
            joinToFirstMediaMsP50: percentile(firsts, 50), joinToFirstMediaMsMax: Double(firsts.last ?? .nan),
            loadGeneratorCPUPercent: 100 * genCPU / duration, keyframeRequests: w.keyframeRequests,
            failedClients: failed.count)
    }

    /// SRTCP sent and received and checks sent, summed over every client so far.
    private func controlTotals() -> (rtcpSent: Int, rtcpReceived: Int, checksSent: Int) {
        engine.clients.reduce(into: (0, 0, 0)) { sums, client in
            sums.rtcpSent += client.rtcpSent
            sums.rtcpReceived += client.rtcpReceived
            sums.checksSent += client.checksSent
        }
    }

    /// The smoke's delivery check: every client connected; every subscriber received > 0 packets of each
    /// subscribed kind; loss in every measured step below the bound; the server's `/metrics` timed each step; SRTCP
    /// went both ways and consent checks were sent in each step.
    func checkAssertions(_ results: [StepResult]) -> Bool {
        guard let assertions = scenario.assert else { return true }
        var ok = true
        for result in results where result.serverDelayP99us == nil {
            problems.append("step \(result.step): no forwarding delay from the server's /metrics"); ok = false
        }
        // Every step's forwarder bound copies the RTCP and checks the step exchanged: a WebRTC SFU has some.
        for result in results where result.controlTraffic?.hasEveryKind != true {
            problems.append("step \(result.step): SRTCP each way and consent checks not all seen: "
                            + "\(result.controlTraffic.map { "\($0)" } ?? "none")"); ok = false
        }
        // Kernels without scheduler statistics have no schedstat files at all.
        let hasSchedstat = FileManager.default.fileExists(atPath: "/proc/self/schedstat")
        for result in results where hasSchedstat && result.serverLoopWaitPercent == nil {
            problems.append("step \(result.step): no schedstat for the server's media loop thread"); ok = false
        }
        for client in engine.clients {
            if client.failure != nil || !client.srtpReady {
                problems.append("client \(client.index) not connected: \(client.failure ?? "no SRTP")"); ok = false
            }
            let kinds = Set(client.plan.subscriptions.map(\.kind))
            if kinds.contains("video") && client.totalVideo == 0 { problems.append("client \(client.index): no video"); ok = false }
            if kinds.contains("audio") && client.totalAudio == 0 { problems.append("client \(client.index): no audio"); ok = false }
            var expected = 0, got = 0
            for stats in client.streams.values { expected += stats.expected; got += stats.received }
            if expected > 0, 100 * Double(expected - got) / Double(expected) >= assertions.maxLossPercent {
                problems.append("client \(client.index): loss \(expected - got)/\(expected)"); ok = false
            }
        }
        print(ok ? "ASSERT OK: every client connected, every subscriber received video and audio, loss < \(assertions.maxLossPercent)%, the server timed its forwarding and its media loop's scheduling was read, SRTCP went both ways and consent checks were sent"
                 : "ASSERT FAILED:\n  " + problems.joined(separator: "\n  "))
        return ok
    }
}
