import CLoadSupport
import Foundation

/// classbridge-load: load generator and floor benchmark for a RUNNING ClassBridge server (loopback).
///
///   classbridge-load run SCENARIO [--http-port 8080] [--server-pid PID] [--json FILE] [--step-seconds S] [--steps N]
///                                 [--unpaced]
///   classbridge-load floor [--seconds S] [--sessions N] [--receivers N] [--interval-ms MS --cpus SENDER,READER]
///                          [--control-rooms R] [--per-wake-up G]
///
/// SCENARIO is a file or a name in loadtest/scenarios/ (lecture, meeting, audio, patrol, smoke).
/// Exit status: 0 on success, 1 when the scenario's assertions fail or the run breaks, 2 on bad usage.
cbl_line_buffer_stdout()
let usage = """
    usage: classbridge-load run SCENARIO [--http-port PORT] [--server-pid PID] [--json FILE] [--step-seconds S] [--steps N]
                                         [--unpaced]   (each video frame as one burst, not paced at 2.5 × its bitrate)
           classbridge-load floor [--seconds S] [--sessions N] [--receivers N]
                                  [--interval-ms MS --cpus SENDER,READER]   (only the live floor in that shape, pinned)
                                  [--control-rooms R]   (and the bound with the RTCP and STUN of R rooms, alternated)
                                  [--per-wake-up G]   (G packets a wake-up, a mean: the interval is then between groups)
    """
var arguments = Array(CommandLine.arguments.dropFirst())
let value = { (flag: String) -> String? in
    guard let i = arguments.firstIndex(of: flag), i + 1 < arguments.count else { return nil }
    defer { arguments.removeSubrange(i...i + 1) }
    return arguments[i + 1]
}

do {
    guard let command = arguments.first else { print(usage); exit(2) }
    arguments.removeFirst()
    switch command {
    case "floor":
        let seconds = value("--seconds").flatMap(Double.init) ?? 3
        let video = try VideoClip.encode(width: 640, height: 360, fps: 30, kbps: 1000, seconds: 3, maxChunk: 1100)
        let sessions = value("--sessions").flatMap(Int.init) ?? 1
        let receivers = value("--receivers").flatMap(Int.init) ?? 100
        let interval = value("--interval-ms").flatMap(Double.init)
        let controlRooms = value("--control-rooms").flatMap(Int.init)
        let perWakeUp = value("--per-wake-up").flatMap(Double.init)
        let cpus = value("--cpus").map { $0.split(separator: ",").compactMap { Int32($0) } }
        // Only the live floor and the forwarder bound (with the control traffic too: both bounds), in that shape.
        if interval != nil || cpus != nil || controlRooms != nil || perWakeUp != nil {
            guard cpus == nil || cpus?.count == 2 else { print(usage); exit(2) }
            let pinned = cpus.map { FloorCPUs(sender: $0[0], reader: $0[1]) }
            // The bound's paced sender runs on this thread. In a pinned run it shares the reader's CPU (the whole
            // generator is pinned there), so each packet wakes the forwarder across CPUs; left free here it could
            // share the forwarder's CPU, which read the bound about 40 % cheaper on this VM.
            if let pinned { _ = cbl_pin_thread(pinned.reader) }
            let shape = FloorShape(receivers: receivers, burstIntervalUs: (interval ?? 2) * 1000, pinned: pinned != nil,
                                   packetsPerWakeUp: perWakeUp)
            let measured = try ForwarderBound.measureWithFloor(
                packets: Floor.rtpPackets(video: video, audio: nil), shape: shape,
                control: controlRooms.map(ControlTraffic.init(rooms:)), printsControl: true, cpus: pinned,
                seconds: seconds / 5)
            let (us, bound) = (measured.floor, measured.bound)
            print(String(format: "%d receivers, %.2f packets every %.2f ms, %@: live floor %.2f µs per packet, "
                         + "forwarder bound %.2f µs per copy (floor ÷ bound %.0f %%)", receivers, shape.groupSize,
                         interval ?? 2,
                         pinned.map { "sender CPU \($0.sender), reader CPU \($0.reader)" } ?? "not pinned", us, bound,
                         100 * us / bound))
            if let rooms = controlRooms, let compliant = measured.compliant {
                print(String(format: "with the control traffic of %d rooms: forwarder bound %.2f µs per copy "
                             + "(floor ÷ bound %.0f %%), %.2f datagrams a wake-up", rooms, compliant.usPerCopy,
                             100 * us / compliant.usPerCopy, compliant.datagramsPerWakeUp))
            }
            exit(0)
        }
        let floor = try Floor.measure(video: video, seconds: seconds, sessions: sessions, liveReceivers: receivers)
        print("\(sessions) SRTP session(s) on the idle sink; " + floor.summary)
    case "run":
        var options = Options()
        if let port = value("--http-port").flatMap(UInt16.init) { options.httpPort = port }
        if let pid = value("--server-pid").flatMap(Int32.init) { options.server = ServerProcess(pid: pid) }
        else { options.server = ServerProcess.find() }
        options.jsonPath = value("--json")
        options.stepSeconds = value("--step-seconds").flatMap(Double.init)
        options.maxSteps = value("--steps").flatMap(Int.init)
        let paced = !arguments.contains("--unpaced")
        arguments.removeAll { $0 == "--unpaced" }
        guard let name = arguments.first else { print(usage); exit(2) }
        let scenario = try Scenario.load(name)
        if options.server == nil { print("note: server pid unknown (pass --server-pid): no server CPU/RSS figures") }
        let t0 = Date()
        let video = try scenario.publish.contains("video") ? scenario.video.map {
            try VideoClip.encode(width: $0.width, height: $0.height, fps: $0.fps, kbps: $0.kbps, seconds: $0.clipSeconds,
                                 maxChunk: 1100)
        } : nil
        let audio = try scenario.publish.contains("audio") ? scenario.audio.map { try AudioClip.encode(kbps: $0.kbps, seconds: 1) } : nil
        if let video {
            print(String(format: "VP8 clip: %d frames %dx%d@%d, %d packets, %.0f kbit/s (encoded in %.1f s)", video.frames.count,
                         video.width, video.height, video.fps, video.packets,
                         video.bitsPerSecond / 1000, Date().timeIntervalSince(t0)))
        }
        if let audio { print("Opus clip: \(audio.packets.count) packets of 20 ms, \(audio.packets.map(\.count).reduce(0, +) / max(1, audio.packets.count)) bytes mean") }
        let engine = try Engine(video: video, audio: audio, paced: paced)
        let report = try Runner(scenario: scenario, options: options, engine: engine).run()
        exit(report.passed ? 0 : 1)
    default:
        print(usage)
        exit(2)
    }
} catch {
    print("error: \(error)")
    exit(1)
}
