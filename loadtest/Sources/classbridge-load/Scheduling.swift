import Foundation

/// How the scheduler treated one thread (`/proc/PID/task/TID/schedstat`): time on a CPU, time it was runnable but
/// waited for a CPU (woken, or preempted, and not yet running), and how many times it was put on a CPU. A packet
/// that reaches the server's socket while its media loop waits here waits too, whatever the loop's code does.
struct ThreadSchedule {
    var runNs: Double
    var waitNs: Double
    var slices: Double

    static func read(pid: Int32, tid: Int32) -> ThreadSchedule? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/task/\(tid)/schedstat", encoding: .utf8) else {
            return nil
        }
        let fields = text.split(whereSeparator: \.isWhitespace).compactMap { Double($0) }
        guard fields.count >= 3 else { return nil }
        return ThreadSchedule(runNs: fields[0], waitNs: fields[1], slices: fields[2])
    }

    static func - (a: ThreadSchedule, b: ThreadSchedule) -> ThreadSchedule {
        ThreadSchedule(runNs: a.runNs - b.runNs, waitNs: a.waitNs - b.waitNs, slices: a.slices - b.slices)
    }
}

/// The machine's CPU time as `/proc/stat` counts it, summed over all CPUs, in clock ticks: all of it, and the
/// share the hypervisor ran something else while a vCPU had work (steal).
struct MachineCPU {
    var total: Double
    var steal: Double

    static func read() -> MachineCPU? {
        guard let text = try? String(contentsOfFile: "/proc/stat", encoding: .utf8),
              let line = text.split(separator: "\n").first, line.hasPrefix("cpu ") else { return nil }
        // user nice system idle iowait irq softirq steal (guest time is already inside user).
        let fields = line.split(separator: " ").dropFirst().prefix(8).compactMap { Double($0) }
        guard fields.count == 8 else { return nil }
        return MachineCPU(total: fields.reduce(0, +), steal: fields[7])
    }

    /// Steal as a percentage of all CPU time between `earlier` and now.
    func stealPercent(since earlier: MachineCPU) -> Double {
        let total = self.total - earlier.total
        return total > 0 ? 100 * (steal - earlier.steal) / total : 0
    }
}

extension ServerProcess {
    /// The server's media loop threads (`MediaLoop.threadName` in the server; this package does not import WebRTC),
    /// one per `media.loops`.
    func mediaLoopThreads() -> [Int32] {
        let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task")) ?? []
        return tasks.compactMap(Int32.init).filter { tid in
            let comm = (try? String(contentsOfFile: "/proc/\(pid)/task/\(tid)/comm", encoding: .utf8)) ?? ""
            return comm == "cb-media-loop\n"
        }.sorted()
    }

    /// The media loops' scheduling, summed over the loops.
    func mediaLoopSchedule() -> ThreadSchedule? {
        let each = mediaLoopThreads().compactMap { ThreadSchedule.read(pid: pid, tid: $0) }
        guard let first = each.first else { return nil }
        return each.dropFirst().reduce(first) {
            ThreadSchedule(runNs: $0.runNs + $1.runNs, waitNs: $0.waitNs + $1.waitNs, slices: $0.slices + $1.slices)
        }
    }
}
