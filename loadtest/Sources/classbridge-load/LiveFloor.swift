import CLoadSupport
import CSocket
import Foundation
import SRTP
import Synchronization

extension Floor {
    /// Protect + send of one packet to each of `receivers` loopback sockets per burst, as a fan-out does: one SRTP
    /// session per receiver, and a reader thread that drains the sockets with epoll + `recvmmsg` and sleeps between
    /// bursts, as the load generator's thread does. Bursts are 2 ms apart (a lecture's video packets arrive a few ms
    /// apart). Returns CPU µs per packet on the sending thread.
    ///
    /// Why not only the idle sink: on loopback a datagram to a socket with a sleeping or busy reader on the other
    /// CPU costs the sender 2–3× more (wake-up, wait-queue lock, cache lines of the receive queue). On this
    /// 2-core VM a C probe measured 1.6 µs per `sendto` to idle sockets, 4.2–5.2 µs with an epoll reader, 3.4–3.9 µs
    /// with a busy-polling reader (BENCHMARKS.md). The server pays that cost for every subscriber, so a floor that
    /// does not is not the same packets' floor.
    /// The median of `rounds` measurements of `seconds` each: this VM's speed drifts by tens of percent from one
    /// second to the next, and one sample made the ratio jump.
    static func measureLive(packets: [[UInt8]], receivers: Int, seconds: Double, rounds: Int) throws -> Double {
        var samples: [Double] = []
        for _ in 0..<max(1, rounds) {
            samples.append(try measureLive(packets: packets, receivers: receivers, seconds: seconds))
        }
        return samples.sorted()[samples.count / 2]
    }

    static func measureLive(packets: [[UInt8]], receivers: Int, seconds: Double) throws -> Double {
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
        let reader = SinkReader(sinks: sinks)
        let thread = Thread { reader.run() }
        thread.start()
        defer { reader.stop() }

        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 2048, alignment: 16)
        defer { buffer.deallocate() }
        var sequence: UInt16 = 0, index = 0, cpuNs: UInt64 = 0, sent = 0
        let end = cbl_monotonic_ns() + UInt64(seconds * 1e9)
        while cbl_monotonic_ns() < end {
            let packet = packets[index]
            index = (index + 1) % packets.count
            sequence &+= 1
            let t0 = cbl_thread_cpu_ns()
            for receiver in 0..<count {
                packet.withUnsafeBytes { buffer.copyMemory(from: $0) }
                buffer.put16(sequence, 2)
                let length = try contexts[receiver].protectRTP(buffer, length: packet.count)
                _ = cb_send_ipv4(sender, buffer.baseAddress, length, 0x7F00_0001, ports[receiver])
            }
            cpuNs += cbl_thread_cpu_ns() - t0
            sent += count
            usleep(2000)
        }
        return Double(cpuNs) / 1000 / Double(max(1, sent))
    }
}

/// Drains the floor's sink sockets on its own thread, sleeping in epoll_wait when nothing is waiting.
private final class SinkReader: @unchecked Sendable {
    private let sinks: [Int32]
    private let running = Atomic<Bool>(true)
    private let done = Atomic<Bool>(false)

    init(sinks: [Int32]) { self.sinks = sinks }

    func run() {
        let epoll = cbl_epoll_create()
        defer { cbl_close(epoll); done.store(true, ordering: .sequentiallyConsistent) }
        for (token, fd) in sinks.enumerated() { _ = cbl_epoll_add(epoll, fd, UInt64(token)) }
        let memory = UnsafeMutableRawBufferPointer.allocate(byteCount: 32 * 2048, alignment: 16)
        defer { memory.deallocate() }
        var slots = (0..<32).map { i in
            cb_datagram(buffer: memory.baseAddress! + i * 2048, capacity: 2048, length: 0, peer: sockaddr_storage(),
                        peer_length: 0, arrival_realtime_ns: 0)
        }
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
