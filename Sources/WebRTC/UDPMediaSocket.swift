internal import CSocket
public import STUN

public struct SocketError: Error, CustomStringConvertible {
    public let operation: String
    public let errno: Int32
    public var description: String { "\(operation) failed: errno \(errno)" }
}

/// The one UDP socket all peers share (RFC 7983 demultiplexing happens above it). IPv4 for now.
/// Receive buffers and send slots are allocated once; a batch receive or send allocates nothing.
public final class UDPMediaSocket: @unchecked Sendable {
    public static let slotCapacity = 2048
    public static let batchSize = 32
    /// Sends queued inside `sendingTogether` before they go out in one `sendmmsg`.
    public static let sendBatchSize = 64

    public let fd: Int32
    public let localPort: UInt16
    private let slots: UnsafeMutablePointer<cb_datagram>
    private let storage: UnsafeMutableRawPointer
    private let outgoing: UnsafeMutablePointer<cb_outgoing>
    private let outgoingStorage: UnsafeMutableRawPointer
    private var queued = 0
    private var queueing = false
    public private(set) var sendErrors = 0

    public init(host: String, port: UInt16) throws {
        guard let address = TransportAddress(string: host, port: port), case .v4(let ip) = address.ip else {
            throw SocketError(operation: "parse IPv4 address \(host)", errno: 22)
        }
        let fd = cb_udp_bind_ipv4(ip, port, 4 << 20, 4 << 20)
        guard fd >= 0 else { throw SocketError(operation: "bind \(host):\(port)", errno: -fd) }
        self.fd = fd
        _ = cb_enable_receive_timestamps(fd)  // for the forwarding-delay histogram; without it, nothing is timed
        self.localPort = UInt16(truncatingIfNeeded: cb_local_port(fd))
        storage = .allocate(byteCount: Self.slotCapacity * Self.batchSize, alignment: 16)
        slots = .allocate(capacity: Self.batchSize)
        for i in 0..<Self.batchSize {
            slots[i] = cb_datagram()
            slots[i].buffer = storage + i * Self.slotCapacity
            slots[i].capacity = Self.slotCapacity
        }
        outgoingStorage = .allocate(byteCount: Self.slotCapacity * Self.sendBatchSize, alignment: 16)
        outgoing = .allocate(capacity: Self.sendBatchSize)
    }

    deinit {
        _ = Glibc.close(fd)
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
        let n = cb_recv_batch(fd, slots, Int32(Self.batchSize))
        guard n > 0 else { return 0 }
        for i in 0..<Int(n) {
            var ip: UInt32 = 0
            var port: UInt16 = 0
            guard cb_datagram_ipv4_source(slots + i, &ip, &port) == 0 else { continue }
            let buffer = UnsafeMutableRawBufferPointer(start: slots[i].buffer, count: Int(slots[i].length))
            body(buffer, TransportAddress(ip: .v4(ip), port: port), slots[i].arrival_realtime_ns)
        }
        return Int(n)
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

    /// Sends one datagram, or queues a copy of it inside `sendingTogether`.
    @inline(__always)
    public func send(_ bytes: UnsafeRawBufferPointer, to address: TransportAddress) {
        guard case .v4(let ip) = address.ip, let base = bytes.baseAddress else { sendErrors += 1; return }
        guard queueing, bytes.count <= Self.slotCapacity else {
            if queued > 0 { flush() }  // in order
            if cb_send_ipv4(fd, base, bytes.count, ip, address.port) < 0 { sendErrors += 1 }
            return
        }
        if queued == Self.sendBatchSize { flush() }
        let slot = outgoingStorage + queued * Self.slotCapacity
        slot.copyMemory(from: base, byteCount: bytes.count)
        outgoing[queued] = cb_outgoing(buffer: slot, length: bytes.count, ip: ip, port: address.port)
        queued += 1
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
