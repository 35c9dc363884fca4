internal import CSocket
public import STUN

public struct SocketError: Error, CustomStringConvertible {
    public let operation: String
    public let errno: Int32
    public var description: String { "\(operation) failed: errno \(errno)" }
}

/// The one UDP socket all peers share (RFC 7983 demultiplexing happens above it). Bound to an IPv4 address, to an
/// IPv6 address, or to `::`, which takes IPv4 peers too (dual stack). Peers are IPv4 or IPv6 `TransportAddress`es
/// whatever the socket: an IPv4 peer of a dual-stack socket is `.v4`, not `::ffff:a.b.c.d`, so it keys the same
/// state either way. Receive buffers and send slots are allocated once; a batch receive or send allocates nothing.
public final class UDPMediaSocket: @unchecked Sendable {
    public static let slotCapacity = 2048
    public static let batchSize = 32
    /// Sends queued inside `sendingTogether` before they go out in one `sendmmsg`.
    public static let sendBatchSize = 64

    public let fd: Int32
    /// The address the socket is bound to, with its port (`0.0.0.0` or `::` when bound to any).
    public let localAddress: TransportAddress
    public var localPort: UInt16 { localAddress.port }
    /// An IPv6 socket (which reaches IPv4 peers only if bound to `::`).
    public let isIPv6: Bool
    private let slots: UnsafeMutablePointer<cb_datagram>
    /// The receive headers for `slots`, built once (`cb_recv_planned`).
    private let plan: OpaquePointer
    private let storage: UnsafeMutableRawPointer
    private let outgoing: UnsafeMutablePointer<cb_outgoing>
    private let outgoingStorage: UnsafeMutableRawPointer
    private var queued = 0
    private var queueing = false
    public private(set) var sendErrors = 0

    public init(host: String, port: UInt16) throws {
        guard let address = TransportAddress(string: host, port: port) else {
            throw SocketError(operation: "parse IP address \(host)", errno: 22)
        }
        let fd: Int32
        switch address.ip {
        case .v4(let ip):
            fd = cb_udp_bind_ipv4(ip, port, 4 << 20, 4 << 20)
            isIPv6 = false
        case .v6(let hi, let lo):
            fd = cb_udp_bind_ipv6(hi, lo, port, hi == 0 && lo == 0 ? 1 : 0, 4 << 20, 4 << 20)
            isIPv6 = true
        }
        guard fd >= 0 else { throw SocketError(operation: "bind \(address)", errno: -fd) }
        self.fd = fd
        _ = cb_enable_receive_timestamps(fd)  // for the forwarding-delay histogram; without it, nothing is timed
        localAddress = TransportAddress(ip: address.ip, port: UInt16(truncatingIfNeeded: cb_local_port(fd)))
        storage = .allocate(byteCount: Self.slotCapacity * Self.batchSize, alignment: 16)
        slots = .allocate(capacity: Self.batchSize)
        for i in 0..<Self.batchSize {
            slots[i] = cb_datagram()
            slots[i].buffer = storage + i * Self.slotCapacity
            slots[i].capacity = Self.slotCapacity
        }
        guard let plan = cb_recv_plan_create(slots, Int32(Self.batchSize)) else {
            _ = Glibc.close(fd)
            storage.deallocate()
            slots.deallocate()
            throw SocketError(operation: "allocate receive headers", errno: ENOMEM)
        }
        self.plan = plan
        outgoingStorage = .allocate(byteCount: Self.slotCapacity * Self.sendBatchSize, alignment: 16)
        outgoing = .allocate(capacity: Self.sendBatchSize)
    }

    deinit {
        _ = Glibc.close(fd)
        cb_recv_plan_destroy(plan)
        storage.deallocate()
        slots.deallocate()
        outgoingStorage.deallocate()
        outgoing.deallocate()
    }

    public func close() { _ = Glibc.close(fd) }

    /// Receives what is waiting (up to `batchSize`) and hands each datagram to `body` with the kernel's arrival
    /// time (CLOCK_REALTIME ns, 0 if unstamped; compare with `realtimeNanoseconds()`). The buffer is mutable so
    /// SRTP can decrypt in place; it is only valid during the call.
    @inline(__always)
    public func receiveBatch(_ body: (UnsafeMutableRawBufferPointer, TransportAddress, Int64) -> Void) -> Int {
        let n = receive(waiting: false)
        handleReceived(n, body)
        return n
    }

    /// Receives up to `batchSize` datagrams into the socket's slots and returns how many. `waiting`, on a socket
    /// set up by `waitInReceive(upTo:)`, blocks until the first one comes or the timeout passes (0 then); else it
    /// returns at once. The media loop waits here while datagrams keep coming, instead of in `poll` and then here.
    @inline(__always)
    public func receive(waiting: Bool) -> Int {
        max(0, Int(waiting ? cb_recv_planned_waiting(fd, plan) : cb_recv_planned(fd, plan)))
    }

    /// Hands the first `count` datagrams of the last `receive` to `body`, as `receiveBatch` does.
    @inline(__always)
    public func handleReceived(_ count: Int, _ body: (UnsafeMutableRawBufferPointer, TransportAddress, Int64) -> Void) {
        for i in 0..<count {
            var ip: UInt32 = 0
            var hi: UInt64 = 0, lo: UInt64 = 0
            var port: UInt16 = 0
            let source: TransportAddress
            switch cb_datagram_source(slots + i, &ip, &hi, &lo, &port) {
            case 4: source = TransportAddress(ip: .v4(ip), port: port)
            case 6: source = TransportAddress(ip: .v6(hi, lo), port: port)
            default: continue
            }
            let buffer = UnsafeMutableRawBufferPointer(start: slots[i].buffer, count: Int(slots[i].length))
            body(buffer, source, slots[i].arrival_realtime_ns)
        }
    }

    /// Lets `receive(waiting: true)` block, for at most `seconds` (rounded up to the kernel's timer tick, 1–10 ms).
    /// Sends never block: every send passes MSG_DONTWAIT.
    public func waitInReceive(upTo seconds: Double) throws {
        let result = cb_receive_blocking(fd, Int64((seconds * 1_000_000).rounded(.up)))
        guard result == 0 else { throw SocketError(operation: "set the receive timeout", errno: -result) }
    }

    /// The clock of the arrival times `receiveBatch` hands out.
    @inline(__always)
    public static func realtimeNanoseconds() -> Int64 { cb_realtime_ns() }

    /// Runs `body` with every send it makes queued, and sends them together when it returns: one `sendmmsg` for
    /// up to `sendBatchSize` datagrams instead of a `sendto` each. The media loop wraps each datagram's handling,
    /// each tick and each round of jobs in it, so a packet's copies leave together, as soon as the packet is done.
    /// Outside it, `send` sends at once. Loop thread only.
    @inline(__always)
    public func sendingTogether<T>(_ body: () throws -> T) rethrows -> T {
        let outer = queueing
        queueing = true
        defer {
            queueing = outer
            if !outer && queued > 0 { flush() }
        }
        return try body()
    }

    /// Inside `sendingTogether`: the send slot the next queued datagram takes (`slotCapacity` bytes), so that a
    /// packet can be built and protected where it is sent from. A `send` of bytes at the start of this slot then
    /// queues them without a copy. Nil outside `sendingTogether`. Valid until the next `send` on this socket.
    @inline(__always)
    public func nextSendSlot() -> UnsafeMutableRawBufferPointer? {
        guard queueing else { return nil }
        if queued == Self.sendBatchSize { flush() }
        return UnsafeMutableRawBufferPointer(start: outgoingStorage + queued * Self.slotCapacity,
                                             count: Self.slotCapacity)
    }

    /// Sends one datagram, or queues it inside `sendingTogether`: a copy of it, unless it was built in
    /// `nextSendSlot()`.
    @inline(__always)
    public func send(_ bytes: UnsafeRawBufferPointer, to address: TransportAddress) {
        guard let base = bytes.baseAddress, var datagram = datagram(to: address) else { sendErrors += 1; return }
        datagram.length = bytes.count
        guard queueing, bytes.count <= Self.slotCapacity else {
            if queued > 0 { flush() }  // in order
            datagram.buffer = UnsafeRawPointer(base)
            sendErrors += Int(cb_send_batch(fd, &datagram, 1))
            return
        }
        if queued == Self.sendBatchSize { flush() }
        let slot = outgoingStorage + queued * Self.slotCapacity
        if slot != UnsafeMutableRawPointer(mutating: base) { slot.copyMemory(from: base, byteCount: bytes.count) }
        datagram.buffer = UnsafeRawPointer(slot)
        outgoing[queued] = datagram
        queued += 1
    }

    /// A datagram to `address` as this socket sends it, without its bytes; nil if the socket cannot reach it
    /// (an IPv6 peer of an IPv4 socket). An IPv6 socket reaches an IPv4 peer at `::ffff:a.b.c.d`.
    @inline(__always)
    private func datagram(to address: TransportAddress) -> cb_outgoing? {
        var datagram = cb_outgoing()
        datagram.port = address.port
        if isIPv6 {
            datagram.ipv6 = 1
            switch address.ip {
            case .v4(let ip): datagram.ip6_lo = 0xFFFF_0000_0000 | UInt64(ip)
            case .v6(let hi, let lo): (datagram.ip6_hi, datagram.ip6_lo) = (hi, lo)
            }
        } else {
            guard let ip = address.ipv4Value else { return nil }
            datagram.ip = ip
        }
        return datagram
    }

    private func flush() {
        sendErrors += Int(cb_send_batch(fd, outgoing, Int32(queued)))
        queued = 0
    }

    public func send(_ bytes: [UInt8], to address: TransportAddress) {
        bytes.withUnsafeBytes { send($0, to: address) }
    }
}

import Glibc
