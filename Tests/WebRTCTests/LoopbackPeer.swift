import DTLS
import ICE
import RTCP
import SRTP
import STUN
@testable import WebRTC

/// Records what a transport reports to its participant.
final class RecordingDelegate: PeerTransportDelegate {
    var connected = 0
    var closed: [TransportCloseReason] = []
    var failed: [String] = []
    var rtcpPackets = 0
    func transportDidConnect(_ transport: PeerTransport) { connected += 1 }
    func transport(_ transport: PeerTransport, didFail reason: String) { failed.append(reason) }
    func transport(_ transport: PeerTransport, didClose reason: TransportCloseReason) { closed.append(reason) }
    func transport(_ transport: PeerTransport, didReceiveRTP packet: UnsafeMutableRawBufferPointer, now: Double) {}
    func transport(_ transport: PeerTransport, didReceiveRTCP packet: UnsafeMutableRawBufferPointer, now: Double) {
        rtcpPackets += 1
    }
}

/// A browser-like peer on loopback (ICE controlling, DTLS client, SRTP) in front of one `PeerTransport`.
///
/// The test thread plays the server's media loop: datagrams from the peer go straight to
/// `TransportServer.handleDatagram`, and what the server sends arrives on the peer's own UDP socket. Time is the
/// test's `now`, except that OpenSSL's handshake timers run on the real clock (they do not fire in these tests).
final class LoopbackPeer {
    let server: TransportServer
    let transport: PeerTransport
    let delegate = RecordingDelegate()
    let dtls: DTLSEndpoint
    private var socket: UDPMediaSocket
    private(set) var address: TransportAddress
    private let ufrag = "peerufrg"
    private(set) var srtpOut: SRTPContext?
    private(set) var srtpIn: SRTPContext?
    var now = 100.0

    init(consentTimeout: Double = 10) throws {
        let serverCertificate = try DTLSCertificate.generateSelfSigned(commonName: "server")
        let peerCertificate = try DTLSCertificate.generateSelfSigned(commonName: "peer")
        server = TransportServer(socket: try UDPMediaSocket(host: "127.0.0.1", port: 0),
                                 certificate: serverCertificate, announcedAddresses: ["127.0.0.1"])
        socket = try UDPMediaSocket(host: "127.0.0.1", port: 0)
        address = TransportAddress(ip: .v4(0x7F00_0001), port: socket.localPort)
        transport = server.makeTransport(remoteUfrag: ufrag,
                                         remoteFingerprint: ("sha-256", peerCertificate.fingerprintSHA256),
                                         dtlsRole: .server, consentTimeout: consentTimeout)
        transport.delegate = delegate
        dtls = try DTLSEndpoint(role: .client, certificate: peerCertificate,
                                remoteFingerprint: ("sha-256", serverCertificate.fingerprintSHA256))
    }

    /// ICE (one nominating check), then the DTLS handshake; true once both sides hold SRTP keys.
    func connect() -> Bool {
        check()
        var outbound = dtls.start(now: now).datagrams
        for _ in 0..<20 where srtpIn == nil || transport.state != .connected {
            for datagram in outbound { deliver(datagram) }
            outbound = []
            for datagram in receive() where (20...63).contains(datagram[0]) {
                let output = datagram.withUnsafeBytes { dtls.handle(datagram: $0, now: now) }
                outbound += output.datagrams
                if case .connected(let keys)? = output.event { installKeys(keys) }
            }
        }
        return srtpIn != nil && transport.state == .connected
    }

    /// A consent check (Binding request, with USE-CANDIDATE unless `nominating` is false, signed with the server's
    /// password). True if the server answered with a success signed with that password. By default with the
    /// transport's credentials and the peer's ufrag; an ICE restart's tests pass others.
    @discardableResult
    func check(server credentials: ICECredentials? = nil, peerUfrag: String? = nil, nominating: Bool = true) -> Bool {
        let credentials = credentials ?? transport.localCredentials
        let key = Array(credentials.password.utf8)
        var attributes: [STUNAttribute] = [.username("\(credentials.ufrag):\(peerUfrag ?? ufrag)"),
                                           .priority(0x6E00_1EFF), .iceControlling(7)]
        if nominating { attributes.append(.useCandidate) }
        let request = STUNMessage(type: .bindingRequest, transactionID: STUNMessage.randomTransactionID(),
                                  attributes: attributes)
        deliver(request.serialize(integrityKey: key, addFingerprint: true))
        return receive().contains { datagram in
            datagram.withUnsafeBytes { bytes in
                (try? STUNMessage(parsing: bytes))?.type == .bindingSuccess && STUNMessage.verifyIntegrity(bytes, key: key)
            }
        }
    }

    /// Goes on from a new socket, as a NAT that re-maps the peer: the server sees it at another address, and what
    /// the server sends to the old one is no longer read. Returns the old address.
    @discardableResult
    func rebind() throws -> TransportAddress {
        let old = address
        socket = try UDPMediaSocket(host: "127.0.0.1", port: 0)
        address = TransportAddress(ip: .v4(0x7F00_0001), port: socket.localPort)
        return old
    }

    /// An SRTCP receiver report, as a receiving browser sends about once a second (from `source`, by default
    /// the peer's address).
    func sendReceiverReport(from source: TransportAddress? = nil) {
        let plain = RTCPCompound.serialize([.receiverReport(ReceiverReport(ssrc: 0x1234))])
        var buffer = [UInt8](repeating: 0, count: plain.count + SRTPContext.maxTrailerLength)
        buffer.replaceSubrange(0..<plain.count, with: plain)
        let length = buffer.withUnsafeMutableBytes { try? srtpOut?.protectRTCP($0, length: plain.count) }
        deliver(Array(buffer[0..<(length ?? 0)]), from: source)
    }

    /// One datagram from the peer's address (or `source`), handed to the server as its loop would.
    func deliver(_ datagram: [UInt8], from source: TransportAddress? = nil) {
        var copy = datagram
        copy.withUnsafeMutableBytes { server.handleDatagram($0, from: source ?? address, now: now) }
    }

    /// Advances time and runs the server's timers.
    func advance(by seconds: Double) {
        now += seconds
        server.tick(now: now)
    }

    /// What the server has sent the peer so far.
    func receive() -> [[UInt8]] {
        var datagrams: [[UInt8]] = []
        while socket.receiveBatch({ bytes, _, _ in datagrams.append(Array(bytes)) }) > 0 {}
        return datagrams
    }

    private func installKeys(_ keys: SRTPKeyingMaterial) {
        guard let profile = SRTPProfile(dtlsProfileID: keys.profileID) else { return }
        srtpOut = try? SRTPContext(profile: profile, masterKeyAndSalt: keys.localMasterKeyAndSalt, direction: .outbound)
        srtpIn = try? SRTPContext(profile: profile, masterKeyAndSalt: keys.remoteMasterKeyAndSalt, direction: .inbound)
    }
}
