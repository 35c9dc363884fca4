import DTLS
import SFU
import SRTP
import STUN
import WebRTC

// The server's transport layers in front of the SFU: a `TransportServer` with one transport that a publisher has
// connected to over loopback (ICE check, DTLS handshake, SRTP keys), and a delegate that hands its RTP to a
// Router as `Participant` does. The probe then hands the server one protected datagram at a time, as the media
// loop does after `recvmmsg`: address lookup, SRTP unprotect, the delegate, the SFU.

extension PeerTransport: @retroactive PacketSink {}

/// What `Participant` does with a transport's media: the Router's handling, for one publisher.
final class RoutingDelegate: PeerTransportDelegate {
    let router: Router
    let publisher: PeerMedia
    init(router: Router, publisher: PeerMedia) {
        self.router = router
        self.publisher = publisher
    }
    func transportDidConnect(_ transport: PeerTransport) {}
    func transport(_ transport: PeerTransport, didFail reason: String) {}
    func transport(_ transport: PeerTransport, didClose reason: TransportCloseReason) {}
    @inline(__always)
    func transport(_ transport: PeerTransport, didReceiveRTP packet: UnsafeMutableRawBufferPointer, now: Double) {
        router.handleRTP(from: publisher, packet: packet, now: now, arrivalMicros: Int64(now * 1_000_000))
    }
    func transport(_ transport: PeerTransport, didReceiveRTCP packet: UnsafeMutableRawBufferPointer, now: Double) {}
}

struct ProbeSetupError: Error, CustomStringConvertible {
    let description: String
}

/// A server transport with a publisher connected to it, and the publisher's outbound SRTP.
final class ConnectedPublisher {
    let server: TransportServer
    let transport: PeerTransport
    let address: TransportAddress
    let publisherOut: SRTPContext

    init(router: Router, publisher: PeerMedia) throws {
        let serverCertificate = try DTLSCertificate.generateSelfSigned(commonName: "server")
        let peerCertificate = try DTLSCertificate.generateSelfSigned(commonName: "publisher")
        server = TransportServer(socket: try UDPMediaSocket(host: "127.0.0.1", port: 0),
                                 certificate: serverCertificate, announcedAddresses: ["127.0.0.1"])
        let socket = try UDPMediaSocket(host: "127.0.0.1", port: 0)
        address = TransportAddress(ip: .v4(0x7F00_0001), port: socket.localPort)
        transport = server.makeTransport(remoteUfrag: "probe", remoteFingerprint: ("sha-256", peerCertificate.fingerprintSHA256),
                                         dtlsRole: .server, consentTimeout: 1e9)
        transport.delegate = RoutingDelegate(router: router, publisher: publisher)
        let dtls = try DTLSEndpoint(role: .client, certificate: peerCertificate,
                                    remoteFingerprint: ("sha-256", serverCertificate.fingerprintSHA256))

        // ICE: one nominating check signed with the server's password.
        let credentials = transport.localCredentials
        let check = STUNMessage(type: .bindingRequest, transactionID: STUNMessage.randomTransactionID(),
                                attributes: [.username("\(credentials.ufrag):probe"), .priority(0x6E00_1EFF),
                                             .iceControlling(7), .useCandidate])
        let server = server, address = address
        func deliver(_ datagram: [UInt8]) {
            var copy = datagram
            copy.withUnsafeMutableBytes { server.handleDatagram($0, from: address, now: 1) }
        }
        deliver(check.serialize(integrityKey: Array(credentials.password.utf8), addFingerprint: true))

        // DTLS: flights back and forth until the publisher holds its keys.
        var outbound = dtls.start(now: 1).datagrams
        var keys: SRTPKeyingMaterial?
        for _ in 0..<20 where keys == nil || transport.state != .connected {
            for datagram in outbound { deliver(datagram) }
            outbound = []
            var received: [[UInt8]] = []
            while socket.receiveBatch({ bytes, _, _ in received.append(Array(bytes)) }) > 0 {}
            for datagram in received where (20...63).contains(datagram[0]) {
                let output = datagram.withUnsafeBytes { dtls.handle(datagram: $0, now: 1) }
                outbound += output.datagrams
                if case .connected(let material)? = output.event { keys = material }
            }
        }
        guard let keys, transport.state == .connected, let profile = SRTPProfile(dtlsProfileID: keys.profileID) else {
            throw ProbeSetupError(description: "the publisher did not connect")
        }
        publisherOut = try SRTPContext(profile: profile, masterKeyAndSalt: keys.localMasterKeyAndSalt,
                                       direction: .outbound)
    }
}
