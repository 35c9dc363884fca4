import CLoadSupport
import CSocket
import Foundation
import SRTP
import Synchronization

extension Floor {
    /// Protect + send of one packet to each of `receivers` loopback sockets per burst, as a fan-out does (one
    /// `sendmmsg` per 64 copies, as the server sends them: `CopyBatch`): one SRTP session per receiver, and a
    /// reader thread that drains the sockets with epoll + `recvmmsg` and sleeps between bursts, as the load
    /// generator's thread does. Bursts are `burstInterval` apart; the sender sleeps between them, as the media
    /// loop sleeps between packets. Returns CPU µs per packet on the sending thread.
    ///
    /// Each step is compared against this floor in its own shape (`FloorShape`: its fan-out, its packet rate)
    /// since 2026-12-06. A burst after a sleep starts cold (caches, the reader's wake-up), and a small burst shares
    /// that among few copies: on this VM 10 receivers every 6.25 ms (lecture 1 → 10) cost 8–11 µs per copy,
    /// 100 every 2 ms (the one fixed shape used before) 5–6. Any forwarder at lecture 1 → 10 pays the former.
    ///
    /// Why not only the idle sink: on loopback a datagram to a socket with a sleeping or busy reader on the other
    /// CPU costs the sender 2–3× more (wake-up, wait-queue lock, cache lines of the receive queue). On this
    /// 2-core VM a C probe measured 1.6 µs per `sendto` to idle sockets, 4.2–5.2 µs with an epoll reader, 3.4–3.9 µs
    /// with a busy-polling reader (BENCHMARKS.md). The server pays that cost for every subscriber, so a floor that
    /// does not is not the same packets' floor.
    /// The median of `rounds` measurements of `seconds` each: this VM's speed drifts by tens of percent from one
    /// second to the next, and one sample made the ratio jump.
    /// `packetsPerWakeUp` (a mean, at least 1): how many packets' bursts leave back to back after each sleep, as a
    /// media loop that finds several datagrams waiting handles them in one wake-up (`WakeUpGroups`).
    static func measureLive(packets: [[UInt8]], receivers: Int, seconds: Double, rounds: Int,
                            burstInterval: Double = 0.002, packetsPerWakeUp: Double = 1, cpus: FloorCPUs? = nil,
                            betweenRounds: () -> Void = {}) throws -> Double {
        try median(of: rounds, betweenRounds: betweenRounds) {
            try measureLive(packets: packets, receivers: receivers, seconds: seconds, burstInterval: burstInterval,
                            packetsPerWakeUp: packetsPerWakeUp, cpus: cpus)
        }
    }

    static func measureLive(packets: [[UInt8]], receivers: Int, seconds: Double, burstInterval: Double,
                            packetsPerWakeUp: Double = 1, cpus: FloorCPUs?) throws -> Double {
        let count = max(1, receivers)
        let sinks = (0..<count).map { _ in cb_udp_bind_ipv4(0x7F00_0001, 0, 1 << 20, 0) }
        let sender = cb_udp_bind_ipv4(0x7F00_0001, 0, 0, 4 << 20)
        defer { for fd in sinks where fd >= 0 { cbl_close(fd) }; if sender >= 0 { cbl_close(sender) } }
        guard sender >= 0, sinks.allSatisfy({ $0 >= 0 }) else { throw LoadError("floor: cannot bind sockets") }
        let ports = sinks.map { UInt16(cb_local_port($0)) }
        let contexts = try (0..<count).map { _ in
            try SRTPContext(profile: .aeadAES128GCM, masterKeyAndSalt: (0..<28).map { _ in UInt8.random(in: 0...255) },
                            direction: .outbound)
        }
        let reader = SinkReader(sinks: sinks, cpu: cpus?.reader)
        let thread = Thread { reader.run() }
        thread.start()
        defer { reader.stop() }

        let sendBursts = { () throws -> Double in
            let batch = CopyBatch(fd: sender)
            var sequence: UInt16 = 0, index = 0, cpuNs: UInt64 = 0, sent = 0
            var groups = WakeUpGroups(perWakeUp: packetsPerWakeUp)
            let end = cbl_monotonic_ns() + UInt64(seconds * 1e9)
            while cbl_monotonic_ns() < end {
                let t0 = cbl_thread_cpu_ns()
                for _ in 0..<groups.next() {  // each packet's copies in a send of their own, as the server sends
                    let packet = packets[index]
                    index = (index + 1) % packets.count
                    sequence &+= 1
                    for receiver in 0..<count {
                        let slot = batch.nextSlot()
                        packet.withUnsafeBytes { slot.copyMemory(from: $0) }
                        slot.put16(sequence, 2)
                        let length = try contexts[receiver].protectRTP(slot, length: packet.count)
                        batch.queue(length: length, port: ports[receiver])
                    }
                    batch.send()
                    sent += count
                }
                cpuNs += cbl_thread_cpu_ns() - t0
                usleep(UInt32(burstInterval * 1e6))
            }
            return Double(cpuNs) / 1000 / Double(max(1, sent))
        }
        guard let cpu = cpus?.sender else { return try sendBursts() }
        // On its own thread pinned where the server runs: the caller's thread keeps its own CPUs.
        let result = Mutex<Result<Double, any Error>?>(nil)
        nonisolated(unsafe) let body = sendBursts  // runs on that thread only, while this one waits
        let sendThread = Thread {
            _ = cbl_pin_thread(cpu)
            let outcome = Result { try body() }
            result.withLock { $0 = outcome }
        }
        sendThread.start()
        while true {
            if let outcome = result.withLock({ $0 }) { return try outcome.get() }
            usleep(5000)
        }
    }
}

/// Where the live floor's two threads run. The server sends each copy from its CPU to a reader on the
/// generator's: pinned runs (`SERVER_CPUS`/`LOAD_CPUS`) give the floor the same path.
struct FloorCPUs: Sendable {
    var sender: Int32
    var reader: Int32

    /// The server's first CPU and this process's first, when the two may not share a CPU (both pinned, apart);
    /// nil when they may, and then the floor's threads go where the scheduler puts them, as the server's do.
    static func matching(server pid: Int32?) -> FloorCPUs? {
        guard let pid else { return nil }
        let server = cbl_allowed_cpu_mask(pid), own = cbl_allowed_cpu_mask(0)
        guard server != 0, own != 0, server & own == 0 else { return nil }
        return FloorCPUs(sender: Int32(server.trailingZeroBitCount), reader: Int32(own.trailingZeroBitCount))
    }
}

/// The shape of a step's traffic that its floor copies: how many receivers each packet in goes to (the mean
/// fan-out, received ÷ sent) and how often a packet comes in (the mean gap, 1 ÷ packets sent per second).
struct FloorShape: Codable {
    var receivers: Int
    /// The gap between wake-ups: between packets in, or between groups of them (`packetsPerWakeUp`).
    var burstIntervalUs: Double
    /// The floor's sender ran on the server's CPU and its reader on the generator's (`FloorCPUs`).
    var pinned: Bool
    /// Packets in per wake-up, a mean: nil for one each (every report before 2026-12-07 evening). Since then each
    /// step is measured a second time in the groups the server's media loop met its RTP in (`serverRTPPerWakeUp`).
    var packetsPerWakeUp: Double?

    var groupSize: Double { packetsPerWakeUp ?? 1 }

    init(receivers: Int, burstIntervalUs: Double, pinned: Bool, packetsPerWakeUp: Double? = nil) {
        self.receivers = receivers
        self.burstIntervalUs = burstIntervalUs
        self.pinned = pinned
        self.packetsPerWakeUp = packetsPerWakeUp
    }

    init(sentPerSecond: Double, receivedPerSecond: Double, pinned: Bool, packetsPerWakeUp: Double? = nil) {
        let perSecond = sentPerSecond.isFinite && sentPerSecond > 0 ? sentPerSecond : 500
        let fanOut = receivedPerSecond.isFinite ? receivedPerSecond / perSecond : 100
        receivers = min(1000, max(1, Int(fanOut.rounded())))
        self.packetsPerWakeUp = packetsPerWakeUp.map { min(32, max(1, $0)) }
        // usleep cannot keep gaps under about 0.1 ms; there the sender barely sleeps, as a busy server.
        burstIntervalUs = min(50_000, max(50, (self.packetsPerWakeUp ?? 1) * 1e6 / perSecond))
        self.pinned = pinned
    }
}

/// How many packets each wake-up takes when a mean of `perWakeUp` (at least 1) do: whole numbers whose running
/// mean stays on it (1.4: 1, 2, 1, 2, 1, 1, 2, …), so a floor or bound sender can offer packets in the groups a
/// server's loop met them.
struct WakeUpGroups {
    let perWakeUp: Double
    private var credit = 0.0

    init(perWakeUp: Double) { self.perWakeUp = max(1, perWakeUp) }

    mutating func next() -> Int {
        credit += perWakeUp
        let count = Int(credit)
        credit -= Double(count)
        return count
    }
}

/// Receive slots for `cb_recv_batch` laid out back to back in `memory`, `size` bytes each.
func datagramSlots(in memory: UnsafeMutableRawBufferPointer, count: Int, size: Int = 2048) -> [cb_datagram] {
    (0..<count).map { i in
        cb_datagram(buffer: memory.baseAddress! + i * size, capacity: size, length: 0, peer: sockaddr_storage(),
                    peer_length: 0, arrival_realtime_ns: 0)
    }
}

/// The median of `rounds` (at least one) runs of `measure`: one sample of this VM can be tens of percent off.
/// `betweenRounds` runs before each round, outside it.
func median(of rounds: Int, betweenRounds: () -> Void = {}, _ measure: () throws -> Double) rethrows -> Double {
    try median(of: rounds, by: { $0 }, betweenRounds: betweenRounds, measure)
}

/// The reading whose `key` is the median of `rounds` (at least one) runs of `measure`.
func median<Reading>(of rounds: Int, by key: (Reading) -> Double, betweenRounds: () -> Void = {},
                     _ measure: () throws -> Reading) rethrows -> Reading {
    var samples: [Reading] = []
    for _ in 0..<max(1, rounds) {
        betweenRounds()
        samples.append(try measure())
    }
    return samples.sorted { key($0) < key($1) }[samples.count / 2]
}

/// Drains the floor's sink sockets on its own thread, sleeping in epoll_wait when nothing is waiting.
final class SinkReader: @unchecked Sendable {
    private let sinks: [Int32]
    private let cpu: Int32?
    private let running = Atomic<Bool>(true)
    private let done = Atomic<Bool>(false)

    init(sinks: [Int32], cpu: Int32?) {
        self.sinks = sinks
        self.cpu = cpu
    }

    func run() {
        if let cpu { _ = cbl_pin_thread(cpu) }
        let epoll = cbl_epoll_create()
        defer { cbl_close(epoll); done.store(true, ordering: .sequentiallyConsistent) }
        for (token, fd) in sinks.enumerated() { _ = cbl_epoll_add(epoll, fd, UInt64(token)) }
        let memory = UnsafeMutableRawBufferPointer.allocate(byteCount: 32 * 2048, alignment: 16)
        defer { memory.deallocate() }
        var slots = datagramSlots(in: memory, count: 32)
        var tokens = [UInt64](repeating: 0, count: 64)
        while running.load(ordering: .relaxed) {
            let ready = tokens.withUnsafeMutableBufferPointer { cbl_epoll_wait(epoll, $0.baseAddress, 64, 20_000_000) }
            for i in 0..<max(0, Int(ready)) {
                let fd = sinks[Int(tokens[i])]
                while slots.withUnsafeMutableBufferPointer({ cb_recv_batch(fd, $0.baseAddress, 32) }) > 0 {}
            }
        }
    }

    /// Stops the thread and waits (briefly) until it has closed its epoll descriptor.
    func stop() {
        running.store(false, ordering: .sequentiallyConsistent)
        while !done.load(ordering: .sequentiallyConsistent) { usleep(1000) }
    }
}
