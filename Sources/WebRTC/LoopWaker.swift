internal import CSocket
internal import STUN

/// Wakes a media loop that waits in its socket's receive: a one-byte datagram to that socket from a socket of its
/// own, on the loop's address (loopback when the loop's socket is bound to any). The loop knows these datagrams by
/// their source and drops them. An eventfd would need `poll` to wait on both, a system call per wake-up more
/// (loadtest/FINDINGS.md, "Waiting in the receive").
final class LoopWaker: @unchecked Sendable {
    /// Where the wake-up datagrams come from, as the loop's socket reads it.
    let source: TransportAddress
    private let fd: Int32
    /// Written once, in `init`.
    private let target: cb_outgoing
    private static let byte: [UInt8] = [0]

    init(for socket: UDPMediaSocket) throws {
        var target = cb_outgoing()
        target.port = socket.localPort
        let fd: Int32
        let ip: TransportAddress.IP
        switch socket.localAddress.ip {
        case .v4(let address):
            let bound: UInt32 = address == 0 ? 0x7F00_0001 : address  // 0.0.0.0 takes datagrams to 127.0.0.1
            fd = cb_udp_bind_ipv4(bound, 0, 0, 0)
            target.ip = bound
            ip = .v4(bound)
        case .v6(let hi, let lo):
            let (boundHi, boundLo) = hi == 0 && lo == 0 ? (UInt64(0), UInt64(1)) : (hi, lo)  // `::` takes ::1
            fd = cb_udp_bind_ipv6(boundHi, boundLo, 0, 0, 0, 0)
            target.ipv6 = 1
            (target.ip6_hi, target.ip6_lo) = (boundHi, boundLo)
            ip = .v6(boundHi, boundLo)
        }
        guard fd >= 0 else { throw SocketError(operation: "bind the loop's wake-up socket", errno: -fd) }
        self.fd = fd
        self.target = target
        source = TransportAddress(ip: ip, port: UInt16(truncatingIfNeeded: cb_local_port(fd)))
    }

    deinit { _ = Glibc.close(fd) }

    /// From any thread. Never blocks; if the loop's receive buffer is full the datagram is lost, and the loop,
    /// busy with what filled it, finds the work on its next wake-up anyway.
    func signal() {
        Self.byte.withUnsafeBytes { bytes in
            var datagram = target
            datagram.buffer = bytes.baseAddress
            datagram.length = 1
            _ = cb_send_batch(fd, &datagram, 1)
        }
    }
}

import Glibc
