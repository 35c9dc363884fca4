import CSocket

/// The copies of a packet, each built in its own slot and sent together: one `sendmmsg` per `size` copies, as the
/// server's media loop sends a packet's copies (`UDPMediaSocket.sendingTogether`, since 2026-12-06). The floor
/// and the forwarder bound send this way too, so that batching, which saves this VM 0.2–1 µs per datagram
/// (`loadtest/probes/loopback_send.c`), is in the floor and not counted as the server's own gain.
/// One thread only; the slots are allocated once.
final class CopyBatch {
    static let size = 64
    private let fd: Int32
    private let memory = UnsafeMutableRawBufferPointer.allocate(byteCount: CopyBatch.size * 2048, alignment: 16)
    private var outgoing = [cb_outgoing](repeating: cb_outgoing(), count: CopyBatch.size)
    private var queued = 0

    init(fd: Int32) { self.fd = fd }

    deinit { memory.deallocate() }

    /// Where to build the next copy (2,048 bytes); `queue` it once built. Sends the batch first when it is full.
    func nextSlot() -> UnsafeMutableRawBufferPointer {
        if queued == Self.size { send() }
        return UnsafeMutableRawBufferPointer(rebasing: memory[(queued * 2048)..<((queued + 1) * 2048)])
    }

    /// Queues the copy built in the slot `nextSlot` returned last, for 127.0.0.1:`port`.
    func queue(length: Int, port: UInt16) {
        outgoing[queued] = cb_outgoing(buffer: memory.baseAddress! + queued * 2048, length: length,
                                       ip: 0x7F00_0001, port: port, ipv6: 0, ip6_hi: 0, ip6_lo: 0)
        queued += 1
    }

    /// Sends what is queued.
    func send() {
        guard queued > 0 else { return }
        _ = outgoing.withUnsafeBufferPointer { cb_send_batch(fd, $0.baseAddress, Int32(queued)) }
        queued = 0
    }
}
