import Foundation
import STUN
import Testing
import WebRTC

/// The media socket on IPv6: bound to `::1`, and bound to `::` (dual stack), where IPv4 peers are `.v4`
/// addresses, as on an IPv4 socket, so that a peer keys the same transport whichever socket it reached.
@Suite struct UDPMediaSocketIPv6Tests {
    static let loopback6 = TransportAddress.IP.v6(0, 1)
    static let loopback4 = TransportAddress.IP.v4(0x7F00_0001)

    /// Sends `payload` from `socket` to `address`, queued or at once, and returns what `receiver` got, with the
    /// source it saw.
    func roundTrip(_ payload: [UInt8], from socket: UDPMediaSocket, to address: TransportAddress,
                   receiver: UDPMediaSocket, queued: Bool) -> [([UInt8], TransportAddress)] {
        if queued {
            socket.sendingTogether { socket.send(payload, to: address) }
        } else {
            socket.send(payload, to: address)
        }
        var got: [([UInt8], TransportAddress)] = []
        while receiver.receiveBatch({ bytes, source, _ in got.append((Array(bytes), source)) }) > 0 {}
        return got
    }

    @Test(arguments: [false, true])
    func ipv6PeersBothWays(queued: Bool) throws {
        let server = try UDPMediaSocket(host: "::1", port: 0)
        let peer = try UDPMediaSocket(host: "::1", port: 0)
        #expect(server.isIPv6 && peer.isIPv6)

        let inbound = roundTrip([1, 2, 3], from: peer, to: TransportAddress(ip: Self.loopback6, port: server.localPort),
                                receiver: server, queued: queued)
        #expect(inbound.map(\.0) == [[1, 2, 3]])
        let source = try #require(inbound.first?.1)
        #expect(source == TransportAddress(ip: Self.loopback6, port: peer.localPort))
        #expect(source.description == "[::1]:\(peer.localPort)")

        let outbound = roundTrip([4, 5], from: server, to: source, receiver: peer, queued: queued)
        #expect(outbound.map(\.0) == [[4, 5]])
        #expect(server.sendErrors == 0)
    }

    @Test(arguments: [false, true])
    func aDualStackSocketTakesIPv4PeersAsIPv4(queued: Bool) throws {
        let server = try UDPMediaSocket(host: "::", port: 0)
        let peer4 = try UDPMediaSocket(host: "127.0.0.1", port: 0)
        let peer6 = try UDPMediaSocket(host: "::1", port: 0)

        let from4 = roundTrip([4], from: peer4, to: TransportAddress(ip: Self.loopback4, port: server.localPort),
                              receiver: server, queued: queued)
        let source4 = try #require(from4.first?.1)
        #expect(source4 == TransportAddress(ip: Self.loopback4, port: peer4.localPort), "not ::ffff:127.0.0.1")
        #expect(roundTrip([40], from: server, to: source4, receiver: peer4, queued: queued).map(\.0) == [[40]])

        let from6 = roundTrip([6], from: peer6, to: TransportAddress(ip: Self.loopback6, port: server.localPort),
                              receiver: server, queued: queued)
        let source6 = try #require(from6.first?.1)
        #expect(source6 == TransportAddress(ip: Self.loopback6, port: peer6.localPort))
        #expect(roundTrip([60], from: server, to: source6, receiver: peer6, queued: queued).map(\.0) == [[60]])
        #expect(server.sendErrors == 0)
    }

    @Test func aSocketCountsPeersOfTheOtherVersionItCannotReach() throws {
        let ipv4 = try UDPMediaSocket(host: "127.0.0.1", port: 0)
        ipv4.send([1], to: TransportAddress(ip: Self.loopback6, port: 9))
        #expect(ipv4.sendErrors == 1)
        let ipv6Only = try UDPMediaSocket(host: "::1", port: 0)  // bound to an IPv6 address: no IPv4 path
        ipv6Only.send([1], to: TransportAddress(ip: Self.loopback4, port: 9))
        #expect(ipv6Only.sendErrors == 1)
    }

    @Test func aHostThatIsNoAddressIsAClearError() {
        #expect(throws: SocketError.self) { try UDPMediaSocket(host: "localhost", port: 0) }
    }
}
