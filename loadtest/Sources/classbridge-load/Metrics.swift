import Foundation

/// The server process as seen from /proc: CPU (utime + stime) and resident memory.
struct ServerProcess {
    let pid: Int32
    static let ticksPerSecond = Double(sysconf(Int32(_SC_CLK_TCK)))

    /// utime + stime of all threads, in seconds.
    func cpuSeconds() -> Double? { cpuTimes().map { $0.user + $0.system } }

    /// utime and stime of all threads, in seconds.
    func cpuTimes() -> (user: Double, system: Double)? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = text.lastIndex(of: ")") else { return nil }
        let fields = text[text.index(after: close)...].split(separator: " ")
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
        return (user / Self.ticksPerSecond, system / Self.ticksPerSecond)
    }

    /// VmRSS in KiB.
    func rssKB() -> Double? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix("VmRSS:") {
            return Double(line.split(separator: " ").dropFirst().first ?? "")
        }
        return nil
    }

    /// The only running `classbridge serve` process, if there is exactly one.
    static func find() -> ServerProcess? {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        let matches = entries.compactMap(Int32.init).filter { pid in
            guard let raw = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return false }
            let args = raw.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
            return args.first.map { $0.hasSuffix("/classbridge") || $0 == "classbridge" } == true && args.contains("serve")
        }
        return matches.count == 1 ? ServerProcess(pid: matches[0]) : nil
    }
}

func percentile(_ sorted: [Float], _ p: Double) -> Double {
    guard !sorted.isEmpty else { return .nan }
    let rank = min(sorted.count - 1, max(0, Int((p / 100 * Double(sorted.count)).rounded(.up)) - 1))
    return Double(sorted[rank])
}

/// One measured step, as printed in the table and written to JSON.
struct StepResult: Codable {
    var scenario: String
    var step: String
    var rooms: Int
    var publishers: Int
    var subscribers: Int
    var subscriberStreams: Int
    var seconds: Double
    var sentPacketsPerSecond: Double
    var receivedPacketsPerSecond: Double
    var receivedMbps: Double
    /// Packets received ÷ packets the subscriptions should have carried in the window (publishers' sent counts):
    /// below 100 % while loss is 0 means packets are still queued (the server falls behind), not lost.
    var deliveredPercent: Double
    /// Gaps in the senders' counters among the packets received.
    var lossPercent: Double
    var latencyP50us: Double
    var latencyP99us: Double
    var latencyMaxUs: Double
    /// The generator's own receive backlog (kernel arrival → handled), not part of the latency above.
    var generatorBacklogP99us: Double
    /// How late the generator sent against its schedule: clustered sends arrive at the server as bursts.
    var generatorSendLatenessP99us: Double
    /// The server's own share (its `/metrics` histogram): kernel receipt → last copy sent, per RTP packet in,
    /// interpolated inside the histogram's buckets; and the share of packets within 1 ms.
    var serverDelayP50us: Double?
    var serverDelayP99us: Double?
    var serverDelayWithin1msPercent: Double?
    /// The server's media loop thread on a CPU, as a share of the window (the rest of `serverCPUPercent` is the
    /// server's other threads: signaling, HTTP, the Swift runtime's).
    var serverLoopCPUPercent: Double?
    /// The server's media loop thread, runnable but not on a CPU (its schedstat run delay): share of the window,
    /// and the mean per time it was put on a CPU. Packets that arrive meanwhile wait in the socket.
    var serverLoopWaitPercent: Double?
    var serverLoopWaitPerWakeupUs: Double?
    /// The server's media loop wake-ups a second (its `/metrics`, `ServerWakeUps`), and datagrams per wake-up that
    /// brought any: 1 means a wake-up per datagram.
    var serverWakeUpsPerSecond: Double?
    var serverDatagramsPerWakeUp: Double?
    /// RTP datagrams per wake-up that took RTP: the groups the server met media packets in (the floor and bound
    /// in the server's groups send in these).
    var serverRTPPerWakeUp: Double?
    /// CPU time the hypervisor took from this VM's vCPUs while they had work, as a share of all CPU time.
    var stealPercent: Double?
    var serverCPUPercent: Double?
    var serverUsPerForwardedPacket: Double?
    /// The same split into user and kernel time (the kernel's share is mostly the loopback UDP path).
    var serverUserUsPerPacket: Double?
    var serverSystemUsPerPacket: Double?
    /// The live-receiver floor in this step's shape (`FloorShape`), measured right after the window.
    var floorUsPerPacket: Double
    /// Floor cost ÷ ClassBridge cost per packet: ClassBridge's packet rate per CPU-second as a share of the floor's.
    var floorRatio: Double?
    var floorShape: FloorShape?
    /// The live floor in one fixed shape for every step (100 receivers, a burst every 2 ms, the generator's
    /// thread), the only one until 2026-12-06 (`c76d230`), and the ratio against it.
    var fixedFloorUsPerPacket: Double?
    var fixedFloorRatio: Double?
    /// The same against the idle-sink floor (no receiver-side cost at all).
    var idleSinkFloorRatio: Double?
    /// A forwarder with no SFU logic in this step's shape (`ForwarderBound`: wake-up, receive, unprotect, then
    /// protect + send per receiver), CPU µs per copy; and its cost ÷ ClassBridge's: how close the server comes to
    /// the least any forwarder does here. floor ÷ bound is the most a forwarder can reach against the floor.
    var forwarderBoundUsPerPacket: Double?
    var forwarderBoundRatio: Double?
    /// The RTCP and STUN the generator's clients exchanged with the server in the window, a second.
    var controlTraffic: ControlTraffic?
    /// The forwarder bound that also exchanges `controlTraffic` (`ControlTraffic`: a compliant forwarder's least),
    /// CPU µs per copy; and floor ÷ it, the most a WebRTC forwarder can reach against the floor in this step
    /// (the table's "reach"), to read beside `floorRatio`.
    var compliantBoundUsPerPacket: Double?
    var compliantReach: Double?
    /// Datagrams per wake-up of that bound's forwarder, to read beside `serverDatagramsPerWakeUp`.
    var compliantBoundDatagramsPerWakeUp: Double?
    /// The floor and the compliant bound again, in the groups the server's loop met its datagrams in
    /// (`groupedShape.packetsPerWakeUp` = `serverRTPPerWakeUp`): the floor's sender sends that many packets'
    /// bursts per wake-up, the bound's sender that many packets, at the same packet rate. The shapes above offer
    /// one packet per wake-up, which at patrol the server did not meet (1.1–1.4 datagrams a wake-up).
    var groupedShape: FloorShape?
    var groupedFloorUsPerPacket: Double?
    var groupedFloorRatio: Double?
    var groupedCompliantBoundUsPerPacket: Double?
    var groupedReach: Double?
    var groupedBoundDatagramsPerWakeUp: Double?

    /// Adopts the live floors and the forwarder bounds measured right after this step.
    mutating func use(floor: Double, shape: FloorShape, fixedFloor: Double, forwarderBound: Double,
                      compliantBound: BoundReading?) {
        floorUsPerPacket = floor
        floorRatio = serverUsPerForwardedPacket.map { floor / $0 }
        floorShape = shape
        fixedFloorUsPerPacket = fixedFloor
        fixedFloorRatio = serverUsPerForwardedPacket.map { fixedFloor / $0 }
        forwarderBoundUsPerPacket = forwarderBound
        forwarderBoundRatio = serverUsPerForwardedPacket.map { forwarderBound / $0 }
        compliantBoundUsPerPacket = compliantBound?.usPerCopy
        compliantReach = compliantBound.map { floor / $0.usPerCopy }
        compliantBoundDatagramsPerWakeUp = compliantBound?.datagramsPerWakeUp
    }

    /// Adopts the floor and the compliant bound measured in the server's groups.
    mutating func use(groupedShape shape: FloorShape, floor: Double, compliantBound: BoundReading) {
        groupedShape = shape
        groupedFloorUsPerPacket = floor
        groupedFloorRatio = serverUsPerForwardedPacket.map { floor / $0 }
        groupedCompliantBoundUsPerPacket = compliantBound.usPerCopy
        groupedReach = floor / compliantBound.usPerCopy
        groupedBoundDatagramsPerWakeUp = compliantBound.datagramsPerWakeUp
    }

    /// The floor and compliant bound in the server's groups, under the control line.
    var groupedLine: String? {
        guard let shape = groupedShape, let floor = groupedFloorUsPerPacket else { return nil }
        return String(format: "  in the server's groups (%.2f packets a wake-up): floor %.2f µs per copy (server at "
                      + "%.0f %%), compliant bound %.2f µs per copy (reach %.0f %%; %.2f datagrams a wake-up)",
                      shape.groupSize, floor, 100 * (groupedFloorRatio ?? .nan),
                      groupedCompliantBoundUsPerPacket ?? .nan, 100 * (groupedReach ?? .nan),
                      groupedBoundDatagramsPerWakeUp ?? .nan)
    }

    /// The step's control traffic and the compliant bound, under its row.
    var controlLine: String? {
        guard let control = controlTraffic, let bound = compliantBoundUsPerPacket, let reach = compliantReach
        else { return nil }
        return String(format: "  control traffic a second: %.1f SRTCP in, %.1f out, %.1f checks; the forwarder bound "
                      + "with it %.2f µs per copy (bare %.2f): reach %.0f %% of the floor; datagrams a wake-up: "
                      + "server %.2f (%.0f wake-ups a second; RTP %.2f a wake-up with RTP), bound %.2f",
                      control.rtcpInPerSecond, control.rtcpOutPerSecond, control.checksPerSecond, bound,
                      forwarderBoundUsPerPacket ?? .nan, 100 * reach, serverDatagramsPerWakeUp ?? .nan,
                      serverWakeUpsPerSecond ?? .nan, serverRTPPerWakeUp ?? .nan,
                      compliantBoundDatagramsPerWakeUp ?? .nan)
    }
    var serverRSSPerStreamKB: Double?
    var joinToFirstMediaMsP50: Double
    var joinToFirstMediaMsMax: Double
    var loadGeneratorCPUPercent: Double
    var keyframeRequests: Int
    var failedClients: Int

    static let columns: [(String, Int)] = [("scenario", -9), ("step", -16), ("streams", 7), ("recv pkt/s", 10),
        ("Mbit/s", 7), ("deliv%", 6), ("loss%", 6), ("p50 µs", 7), ("p99 µs", 7), ("srv p99", 7), ("loop wait", 10), ("steal", 5), ("srv CPU/loop", 12), ("µs/pkt", 7), ("usr/sys", 9),
        ("floor", 6), ("fixed", 5), ("fwd", 5), ("reach", 5),
        ("KB/strm", 7), ("1st ms p50/max", 15), ("gen CPU", 7)]

    static var header: String { pad(columns.map(\.0)) }

    var row: String {
        func f(_ v: Double?, _ digits: Int) -> String {
            v.map { $0.isFinite ? String(format: "%.\(digits)f", $0) : "-" } ?? "-"
        }
        return Self.pad([scenario, step, String(subscriberStreams), f(receivedPacketsPerSecond, 0), f(receivedMbps, 1),
            f(deliveredPercent, 1), f(lossPercent, 2), f(latencyP50us, 0), f(latencyP99us, 0), f(serverDelayP99us, 0),
            f(serverLoopWaitPercent, 1) + "%/" + f(serverLoopWaitPerWakeupUs, 0), f(stealPercent, 1) + "%", f(serverCPUPercent, 0) + "%/" + f(serverLoopCPUPercent, 0) + "%",
            f(serverUsPerForwardedPacket, 2), f(serverUserUsPerPacket, 1) + "/" + f(serverSystemUsPerPacket, 1), floorRatio.map { f($0 * 100, 0) + "%" } ?? "-",
            fixedFloorRatio.map { f($0 * 100, 0) + "%" } ?? "-", forwarderBoundRatio.map { f($0 * 100, 0) + "%" } ?? "-",
            compliantReach.map { f($0 * 100, 0) + "%" } ?? "-",
            f(serverRSSPerStreamKB, 1), f(joinToFirstMediaMsP50, 0) + "/" + f(joinToFirstMediaMsMax, 0),
            f(loadGeneratorCPUPercent, 0) + "%"])
    }

    private static func pad(_ cells: [String]) -> String {
        zip(cells, columns).map { cell, column in
            let width = abs(column.1), fill = String(repeating: " ", count: max(0, width - cell.count))
            return column.1 < 0 ? cell + fill : fill + cell
        }.joined(separator: " ")
    }
}

/// The floor: SRTP protect (AEAD_AES_128_GCM, as the server negotiates) + one `sendto` per packet, no SFU logic,
/// measured on this thread's CPU clock: to an idle sink, and fanned out to live receivers (what reports compare to).
struct FloorResult: Codable {
    var packets: Int
    var meanPacketBytes: Double
    var protectUs: Double
    var sendUs: Double
    /// Protect + send to one idle sink.
    var protectAndSendUs: Double
    var liveReceivers: Int
    /// Protect + send, one SRTP session per receiver, to `liveReceivers` sockets read by another thread.
    var liveUs: Double
    var packetsPerCPUSecond: Double { 1e6 / liveUs }

    var summary: String {
        String(format: "floor: SRTP GCM protect %.2f µs + sendto %.2f µs = %.2f µs/packet to an idle sink; "
               + "%.2f µs/packet fanned out to %d live receivers (%.0f packets per CPU-second, %.0f-byte packets)",
               protectUs, sendUs, protectAndSendUs, liveUs, liveReceivers, packetsPerCPUSecond, meanPacketBytes)
    }
}

struct RunReport: Codable {
    var date: String
    var host: String
    var cpu: String
    var floor: FloorResult
    /// Video packets spread at 2.5 × the bitrate (libwebrtc's pacer), or each frame sent as one burst.
    var pacedVideo: Bool
    var steps: [StepResult]
    var passed: Bool
    var problems: [String]
}

func machineDescription() -> (host: String, cpu: String) {
    let host = ProcessInfo.processInfo.hostName
    let cpuinfo = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
    let model = cpuinfo.split(separator: "\n").first { $0.hasPrefix("model name") }?
        .split(separator: ":", maxSplits: 1).last.map { $0.trimmingCharacters(in: .whitespaces) } ?? "?"
    return (host, "\(model) × \(ProcessInfo.processInfo.activeProcessorCount)")
}

extension StepResult {
    /// From this much steal on, a step's CPU readings are not comparable with other steps'. The server's CPU
    /// readings rise with it: ten pinned patrol runs of one build (2026-12-06) read 62–72 µs per packet at R5 with
    /// steal of 1.1 % or less, and 90–125 µs with 7–23 %.
    static let stealLimitPercent = 1.0

    /// A warning to print under a step's row when the hypervisor took too much of the VM's CPU during it.
    static func stealWarning(percent: Double?, step: String) -> String? {
        guard let percent, percent >= stealLimitPercent else { return nil }
        return String(format: "  [%@] steal %.1f %%: the hypervisor ran something else for that share of this VM's "
                      + "CPU time; this step's µs/pkt and floor ratio read high and are not comparable "
                      + "(BENCHMARKS.md, \"Steal\")", step, percent)
    }

    /// A warning when clients failed by the end of the step: it then carried fewer rooms or streams than its
    /// name says, so its readings are not that step's (`light-steps` leaves such steps out).
    var lostClientsWarning: String? {
        guard failedClients > 0 else { return nil }
        return String(format: "  [%@ %@] %d clients failed (delivered %.0f %%): this step carried less than its name "
                      + "says, and its readings are not that step's", scenario, step, failedClients, deliveredPercent)
    }
}
