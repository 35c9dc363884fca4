import CLoadSupport
import CSocket
import Foundation
import SRTP
import Synchronization

/// The least any forwarder does in a step's shape, and what it costs: no SFU logic at all, only what every SFU
/// does per packet. A paced sender (the generator's CPU) offers SRTP packets at the step's rate (one at a time, or
/// in the groups the server met them in: `FloorShape.packetsPerWakeUp`); a forwarder
/// thread (the server's CPU when pinned) sleeps in `recvmmsg` as the server's media loop does while packets come,
/// takes what came, unprotects it, then
/// protects a copy for each of the step's receivers and sends them together (`CopyBatch`), which a reader thread
/// drains as the generator does.
/// Returns the forwarder thread's CPU µs per copy out, wake-ups included.
///
/// Why: the floor counts protect + send only. At light steps a packet in costs a wake-up, a receive and an
/// unprotect that few copies share, so floor ÷ bound is the most any forwarder can reach there, measured in the
/// same run (this VM's speed drifts by tens of percent between runs; separate probe runs did not compare).
enum ForwarderBound {
    /// The live floor and the forwarder bound in one shape, as each step and `classbridge-load floor` report them,
    /// and with `control` the bound that also exchanges it (alternated round by round with the bare one; each
    /// round's exchange printed if `printsControl`): CPU µs per copy of each.
    /// `betweenRounds` runs before each round, outside it (the steps keep their clients' consent with it).
    static func measureWithFloor(packets: [[UInt8]], shape: FloorShape, control: ControlTraffic? = nil,
                                 printsControl: Bool = false, cpus: FloorCPUs?, seconds: Double,
                                 betweenRounds: () -> Void = {}) throws
        -> (floor: Double, bound: Double, compliant: BoundReading?) {
        let floor = try liveFloor(packets: packets, shape: shape, cpus: cpus, seconds: seconds,
                                  betweenRounds: betweenRounds)
        guard let control else {
            let bound = try median(of: 3, betweenRounds: betweenRounds) {
                try measure(packets: packets, shape: shape, cpus: cpus, seconds: seconds).usPerCopy
            }
            return (floor, bound, nil)
        }
        let bounds = try measureWithControl(packets: packets, shape: shape, control: control, cpus: cpus,
                                            seconds: seconds, rounds: 3, printsControl: printsControl,
                                            betweenRounds: betweenRounds)
        return (floor, bounds.bare, bounds.compliant)
    }

    /// The live floor and the compliant bound alone, without the bare bound's rounds: a step's second reading, in
    /// the server's groups.
    static func measureCompliantWithFloor(packets: [[UInt8]], shape: FloorShape, control: ControlTraffic,
                                          cpus: FloorCPUs?, seconds: Double, betweenRounds: () -> Void) throws
        -> (floor: Double, compliant: BoundReading) {
        let floor = try liveFloor(packets: packets, shape: shape, cpus: cpus, seconds: seconds,
                                  betweenRounds: betweenRounds)
        let compliant = try median(of: 3, by: \.usPerCopy, betweenRounds: betweenRounds) {
            try measure(packets: packets, shape: shape, cpus: cpus, seconds: seconds, control: control)
        }
        return (floor, compliant)
    }

    /// The live floor in `shape`, the median of five rounds.
    private static func liveFloor(packets: [[UInt8]], shape: FloorShape, cpus: FloorCPUs?, seconds: Double,
                                  betweenRounds: () -> Void) throws -> Double {
        try Floor.measureLive(packets: packets, receivers: shape.receivers, seconds: seconds, rounds: 5,
                              burstInterval: shape.burstIntervalUs / 1e6, packetsPerWakeUp: shape.groupSize,
                              cpus: cpus, betweenRounds: betweenRounds)
    }

    /// The bound, and the bound that also exchanges `control` (a compliant forwarder's least), alternated round by
    /// round so that the VM's drift falls on both alike: the median of `rounds` each (the compliant one's round
    /// with its wake-ups).
    private static func measureWithControl(packets: [[UInt8]], shape: FloorShape, control: ControlTraffic,
                                           cpus: FloorCPUs?, seconds: Double, rounds: Int,
                                           printsControl: Bool, betweenRounds: () -> Void)
        throws -> (bare: Double, compliant: BoundReading) {
        var bare: [Double] = [], compliant: [BoundReading] = []
        for _ in 0..<rounds {
            betweenRounds()
            bare.append(try measure(packets: packets, shape: shape, cpus: cpus, seconds: seconds).usPerCopy)
            betweenRounds()
            compliant.append(try measure(packets: packets, shape: shape, cpus: cpus, seconds: seconds,
                                         control: control, printsControl: printsControl))
        }
        return (bare.sorted()[rounds / 2], compliant.sorted { $0.usPerCopy < $1.usPerCopy }[rounds / 2])
    }

    /// One measurement; with `control`, `printsControl` prints the control traffic it exchanged.
    static func measure(packets: [[UInt8]], shape: FloorShape, cpus: FloorCPUs?, seconds: Double,
                        control: ControlTraffic? = nil, printsControl: Bool = false) throws -> BoundReading {
        let receivers = max(1, shape.receivers)
        let sinks = (0..<receivers + (control == nil ? 0 : 1)).map { _ in cb_udp_bind_ipv4(0x7F00_0001, 0, 1 << 20, 0) }
        let inbound = cb_udp_bind_ipv4(0x7F00_0001, 0, 4 << 20, 4 << 20)
        let sender = cb_udp_bind_ipv4(0x7F00_0001, 0, 0, 4 << 20)
        defer { for fd in sinks + [inbound, sender] where fd >= 0 { cbl_close(fd) } }
        guard inbound >= 0, sender >= 0, sinks.allSatisfy({ $0 >= 0 }) else {
            throw LoadError("forwarder bound: cannot bind sockets")
        }
        let key = (0..<28).map { _ in UInt8.random(in: 0...255) }
        // With control traffic the last sink stands for the publishers' sockets: feedback and check responses.
        let responder = try control.map { try ControlResponder(traffic: $0, port: UInt16(cb_local_port(sinks.last!))) }
        let ports = sinks.prefix(receivers).map { UInt16(cb_local_port($0)) }
        let forwarder = try Forwarder(fd: inbound, key: key, ports: ports, cpu: cpus?.sender, control: responder)
        let reader = SinkReader(sinks: sinks, cpu: cpus?.reader)
        Thread { reader.run() }.start()
        defer { reader.stop() }
        Thread { forwarder.run() }.start()

        let outbound = try SRTPContext(profile: .aeadAES128GCM, masterKeyAndSalt: key, direction: .outbound)
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 2048, alignment: 16)
        defer { buffer.deallocate() }
        let port = UInt16(cb_local_port(inbound))
        let gapNs = UInt64(shape.burstIntervalUs * 1000)
        var sequence: UInt16 = 0, index = 0
        var groups = WakeUpGroups(perWakeUp: shape.groupSize)
        var next = cbl_monotonic_ns()
        let end = next + UInt64(seconds * 1e9)
        var controlSender = control.map { ControlSender(traffic: $0, startNs: next) }
        while next < end {  // paced as the step's packets in (in its groups); a late group leaves at once
            let now = cbl_monotonic_ns()
            let due = min(next, controlSender?.nextNs ?? .max)
            if due > now { usleep(UInt32((due - now) / 1000)); continue }
            try controlSender?.sendDue(now: now, fd: sender, port: port, outbound: outbound, buffer: buffer)
            guard now >= next else { continue }
            for _ in 0..<groups.next() {
                let packet = packets[index]
                index = (index + 1) % packets.count
                sequence &+= 1
                packet.withUnsafeBytes { buffer.copyMemory(from: $0) }
                buffer.put16(sequence, 2)
                let length = try outbound.protectRTP(buffer, length: packet.count)
                _ = cb_send_ipv4(sender, buffer.baseAddress, length, 0x7F00_0001, port)
            }
            next += gapNs
        }
        usleep(20_000)  // the last packets through
        let cpuNs = forwarder.stop()
        if let responder, printsControl {
            print(String(format: "  control traffic: %.0f SRTCP in, %.0f checks answered, %.0f SRTCP out a second "
                         + "(%d copies of RTP)", Double(responder.rtcpIn) / seconds,
                         Double(responder.checksAnswered) / seconds, Double(responder.rtcpOut) / seconds,
                         forwarder.copiesSent))
        }
        return BoundReading(usPerCopy: cpuNs / 1000 / Double(max(1, forwarder.copiesSent)),
                            datagramsPerWakeUp: Double(forwarder.datagrams) / Double(max(1, forwarder.wakeUps)))
    }
}

/// One round of the forwarder bound: its CPU µs per copy out, and the datagrams each of its forwarder's wake-ups
/// took, to read beside the server's (`ServerWakeUps`): at a light step a wake-up is most of a packet's cost.
struct BoundReading {
    var usPerCopy: Double
    var datagramsPerWakeUp: Double
}

/// The forwarder thread of `ForwarderBound`. Everything but `stop` runs on its own thread.
private final class Forwarder: @unchecked Sendable {
    private let fd: Int32
    private let ports: [UInt16]
    private let cpu: Int32?
    private let inbound: SRTPContext
    private let outbound: [SRTPContext]
    private let control: ControlResponder?
    private let running = Atomic<Bool>(true)
    private let cpuNs = Atomic<UInt64>(0)
    private let done = Atomic<Bool>(false)
    private(set) var copiesSent = 0
    /// Receives that ended with datagrams, and the datagrams they took.
    private(set) var wakeUps = 0
    private(set) var datagrams = 0

    init(fd: Int32, key: [UInt8], ports: [UInt16], cpu: Int32?, control: ControlResponder?) throws {
        self.fd = fd
        self.control = control
        self.ports = ports
        self.cpu = cpu
        // Waits in the receive, at most 10 ms at a time (the server's tick), so `stop` ends it without a wake-up.
        let blocking = cb_receive_blocking(fd, 10_000)
        guard blocking == 0 else { throw LoadError("forwarder bound: receive timeout: errno \(-blocking)") }
        inbound = try SRTPContext(profile: .aeadAES128GCM, masterKeyAndSalt: key, direction: .inbound)
        outbound = try ports.map { _ in
            try SRTPContext(profile: .aeadAES128GCM, masterKeyAndSalt: (0..<28).map { _ in UInt8.random(in: 0...255) },
                            direction: .outbound)
        }
    }

    func run() {
        if let cpu { _ = cbl_pin_thread(cpu) }
        let memory = UnsafeMutableRawBufferPointer.allocate(byteCount: 32 * 2048, alignment: 16)
        defer { memory.deallocate() }
        // The slots in memory of their own, and their receive headers built once, as the server's socket does.
        let slots = UnsafeMutablePointer<cb_datagram>.allocate(capacity: 32)
        slots.initialize(from: datagramSlots(in: memory, count: 32), count: 32)
        guard let plan = cb_recv_plan_create(slots, 32) else { fatalError("forwarder bound: out of memory") }
        defer {
            cb_recv_plan_destroy(plan)
            slots.deallocate()
        }
        let batch = CopyBatch(fd: fd)
        let start = cbl_thread_cpu_ns()
        while running.load(ordering: .relaxed) {
            let received = cb_recv_planned_waiting(fd, plan)
            guard received > 0 else { continue }  // a timeout
            wakeUps += 1
            datagrams += Int(received)
            for i in 0..<Int(received) {
                let packet = UnsafeMutableRawBufferPointer(start: slots[i].buffer, count: 2048)
                if let control, control.handle(packet, length: Int(slots[i].length), inbound: inbound, batch: batch) {
                    batch.send()
                    continue
                }
                guard let length = try? inbound.unprotectRTP(packet, length: Int(slots[i].length)) else { continue }
                for (receiver, port) in ports.enumerated() {
                    let copy = batch.nextSlot()
                    copy.copyMemory(from: UnsafeRawBufferPointer(rebasing: packet[..<length]))
                    guard let out = try? outbound[receiver].protectRTP(copy, length: length) else { continue }
                    batch.queue(length: out, port: port)
                    copiesSent += 1
                }
                batch.send()  // a packet's copies together, as the server sends them
            }
            if let control {  // as the server's timers run in a datagram's wake-up, in a send of their own
                control.queueDue(now: cbl_monotonic_ns(), batch: batch)
                batch.send()
            }
        }
        cpuNs.store(cbl_thread_cpu_ns() - start, ordering: .sequentiallyConsistent)
        done.store(true, ordering: .sequentiallyConsistent)
    }

    /// Ends the thread and returns its CPU time in ns.
    func stop() -> Double {
        running.store(false, ordering: .sequentiallyConsistent)
        while !done.load(ordering: .sequentiallyConsistent) { usleep(1000) }
        return Double(cpuNs.load(ordering: .sequentiallyConsistent))
    }
}
