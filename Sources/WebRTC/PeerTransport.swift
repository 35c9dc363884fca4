public import STUN
public import ICE
public import DTLS
internal import SRTP

public enum TransportState: String, Sendable {
    case new, connecting, connected, failed, closed
}

public enum TransportCloseReason: String, Sendable {
    /// ICE consent lapsed: the peer went silent (RFC 7675).
    case consentExpired = "timeout"
    /// The peer sent a DTLS close_notify (or, after its handshake state was released, an alert and then silence).
    case remoteClosed = "closed"
    /// Closed by the server (leave, kick, shutdown).
    case local = "local"
}

/// Callbacks from a transport, always on its media loop.
public protocol PeerTransportDelegate: AnyObject {
    func transportDidConnect(_ transport: PeerTransport)
    func transport(_ transport: PeerTransport, didFail reason: String)
    func transport(_ transport: PeerTransport, didClose reason: TransportCloseReason)
    /// A decrypted RTP packet. The buffer is valid only during the call and may be modified.
    func transport(_ transport: PeerTransport, didReceiveRTP packet: UnsafeMutableRawBufferPointer, now: Double)
    /// A decrypted RTCP compound packet. The buffer is valid only during the call.
    func transport(_ transport: PeerTransport, didReceiveRTCP packet: UnsafeMutableRawBufferPointer, now: Double)
}

/// Counters of one transport; read on the loop.
public struct TransportCounters: Sendable {
    public var rtpReceived = 0, rtcpReceived = 0, rtpSent = 0, rtcpSent = 0
    /// Dropped inbound: SRTP authentication/replay failures, media before keys, malformed.
    public var inboundDropped = 0
    public var protectFailures = 0
    /// Times the media destination moved by itself to another address the peer had checked from (its media came
    /// from there, or the old address's consent lapsed): a NAT that re-mapped the peer, or a pair the peer switched to.
    public var addressMoves = 0

    static func + (a: Self, b: Self) -> Self {
        var sum = a
        sum.rtpReceived += b.rtpReceived
        sum.rtcpReceived += b.rtcpReceived
        sum.rtpSent += b.rtpSent
        sum.rtcpSent += b.rtcpSent
        sum.inboundDropped += b.inboundDropped
        sum.protectFailures += b.protectFailures
        sum.addressMoves += b.addressMoves
        return sum
    }
}

/// One peer's ICE-lite + DTLS + SRTP over the shared UDP socket. Confined to its media loop.
public final class PeerTransport: @unchecked Sendable {
    /// New after an ICE restart (`restartICE`).
    public private(set) var localCredentials: ICECredentials
    /// The peer's ufrag from its last offer; a new one means the peer restarted ICE.
    public var remoteUfrag: String { ice.remoteUfrag }
    public let dtlsRole: DTLSRole
    /// Strong, since a weak load is a runtime call on every packet in. The owner usually holds the transport too;
    /// the cycle ends when the transport closes (it lets go after `didClose`) or when the owner sets this to nil.
    public var delegate: (any PeerTransportDelegate)?
    public private(set) var state: TransportState = .new
    /// What this transport counted; its address moves are the agent's (`ICELiteAgent.moves`).
    public var counters: TransportCounters {
        var all = counted
        all.addressMoves = ice.moves
        return all
    }
    private var counted = TransportCounters()
    /// Where media goes: the address the peer nominated or last moved its media to (see `ICELiteAgent`).
    public var remoteAddress: TransportAddress? { ice.selectedAddress }
    /// The addresses routed to this transport on the server: the agent's checked addresses as of `routedGeneration`.
    private(set) var routedAddresses: [TransportAddress] = []
    private var routedGeneration = 0

    private unowned let server: TransportServer
    /// The server's socket, held directly: sending is per packet, and an unowned load is a runtime call.
    private let socket: UDPMediaSocket
    private var ice: ICELiteAgent
    /// The DTLS association until the peer proves it has the SRTP keys; then released (see `releaseDTLSIfProven`).
    private var dtls: DTLSEndpoint?
    /// An alert arrived after the release: when, and how many authenticated packets had arrived by then.
    private var closeHint: (at: Double, packets: Int)?
    /// One context per direction carries both SRTP and SRTCP (their keys and indexes are separate inside).
    private var srtpIn: SRTPContext?
    private var srtpOut: SRTPContext?
    private let remoteFingerprint: (algorithm: String, value: String)
    /// Scratch for RTCP protection (RTCP is built as bytes, copied here and protected in place): the server's,
    /// shared by every transport on its loop, since protect and send finish before anything else runs there.
    private let rtcpScratch: UnsafeMutableRawBufferPointer

    init(server: TransportServer, local: ICECredentials, remoteUfrag: String,
         remoteFingerprint: (algorithm: String, value: String), dtlsRole: DTLSRole, consentTimeout: Double) {
        self.server = server
        self.socket = server.socket
        self.rtcpScratch = server.rtcpScratch
        self.localCredentials = local
        self.remoteFingerprint = remoteFingerprint
        self.dtlsRole = dtlsRole
        self.ice = ICELiteAgent(local: local, remoteUfrag: remoteUfrag, consentTimeout: consentTimeout)
    }

    // MARK: Inbound (called by TransportServer)

    func handleSTUN(_ bytes: UnsafeMutableRawBufferPointer, from source: TransportAddress, now: Double) {
        guard state != .closed, state != .failed else { return }
        switch ice.handle(stun: UnsafeRawBufferPointer(bytes), from: source, now: now) {
        case .respond(let response, let to, _):
            socket.send(response, to: to)
            routeCheckedAddresses()
            if state == .new, ice.state == .connected { beginDTLS(now: now) }
        case .drop:
            counted.inboundDropped += 1
        }
    }

    func handleDTLS(_ bytes: UnsafeMutableRawBufferPointer, now: Double) {
        guard state == .connecting || state == .connected else { return }
        if let dtls {
            apply(dtls.handle(datagram: UnsafeRawBufferPointer(bytes), now: now))
        } else if state == .connected, DTLSRecord.startsWithAlert(UnsafeRawBufferPointer(bytes)) {
            // Connected without DTLS: released. The alert cannot be authenticated; it closes only if the peer then
            // falls silent.
            if closeHint == nil { closeHint = (now, authenticatedPackets) }
        } else {
            counted.inboundDropped += 1
        }
    }

    /// Media from `source`, one of the addresses routed here.
    @inline(__always)
    func handleSRTP(_ bytes: UnsafeMutableRawBufferPointer, from source: TransportAddress, now: Double) {
        guard bytes.count >= 8 else { counted.inboundDropped += 1; return }
        // RFC 5761: with rtcp-mux, payload types 192...223 in the second byte mean RTCP.
        let second = bytes[1]
        if second >= 192 && second <= 223 {
            guard let srtpIn, let length = try? srtpIn.unprotectRTCP(bytes, length: bytes.count) else {
                counted.inboundDropped += 1
                return
            }
            counted.rtcpReceived += 1
            if source != ice.selectedAddress { followMedia(from: source, now: now) }
            delegate?.transport(self, didReceiveRTCP: UnsafeMutableRawBufferPointer(rebasing: bytes[0..<length]), now: now)
        } else {
            guard let srtpIn, let length = try? srtpIn.unprotectRTP(bytes, length: bytes.count) else {
                counted.inboundDropped += 1
                return
            }
            counted.rtpReceived += 1
            if source != ice.selectedAddress { followMedia(from: source, now: now) }
            delegate?.transport(self, didReceiveRTP: UnsafeMutableRawBufferPointer(rebasing: bytes[0..<length]), now: now)
        }
    }

    func tick(now: Double) {
        if let event = ice.tick(now: now), event == .consentExpired {
            close(reason: .consentExpired)
            return
        }
        routeCheckedAddresses()
        if let dtls, let deadline = dtls.nextTimeout, now >= deadline, state == .connecting {
            apply(dtls.handleTimeout(now: now))
        }
        releaseDTLSIfProven()
        if let hint = closeHint {
            if authenticatedPackets != hint.packets || (ice.lastConsent ?? 0) > hint.at {
                closeHint = nil  // the peer is alive: a stray or forged alert
            } else if now - hint.at >= closeConfirmation {
                close(reason: .remoteClosed)
            }
        }
    }

    /// Authenticated media came from a checked address other than the selected one: the peer may have moved.
    /// Out of line and behind a read, so that the common case costs a comparison and no write access.
    @inline(never)
    private func followMedia(from source: TransportAddress, now: Double) {
        _ = ice.mediaArrived(from: source, now: now)
    }

    /// Tells the server which addresses to route here when the agent's checked addresses changed.
    private func routeCheckedAddresses() {
        guard ice.checkedGeneration != routedGeneration else { return }
        let checked = ice.checkedAddresses
        server.route(self, from: routedAddresses, to: checked)
        routedAddresses = checked
        routedGeneration = ice.checkedGeneration
    }

    /// Once connected, DTLS only serves a peer that missed our last flight, and the peer's first authenticated
    /// SRTP or SRTCP packet shows it did not. OpenSSL keeps ≈ 46 KB per association (its handshake buffer, record
    /// buffers and the SSL object); an audio-only listener costs half as much without it (BENCHMARKS.md, memory).
    /// The price: close() can no longer send close_notify, and the peer's close_notify cannot be verified.
    private func releaseDTLSIfProven() {
        guard state == .connected, dtls != nil, authenticatedPackets > 0 else { return }
        dtls = nil
    }

    private var authenticatedPackets: Int { counted.rtpReceived + counted.rtcpReceived }

    /// How long a peer must stay silent after an unverifiable alert before it counts as closed: longer than a live
    /// peer's gaps (RTCP every 0.5–1.5 s, consent checks every 2.5–5 s, transport-cc feedback), and shorter than
    /// waiting for consent to lapse.
    private var closeConfirmation: Double { min(3, ice.consentTimeout / 2) }

    /// True until the DTLS association is released (tests and diagnostics).
    public var holdsDTLSState: Bool { dtls != nil }

    // MARK: Outbound

    /// Inside the socket's `sendingTogether`, its next send slot: a packet built there is protected and sent
    /// without another copy (one 1.2 KB copy less per forwarded video packet). Else `scratch`.
    @inline(__always)
    public func sendBuffer(orElse scratch: UnsafeMutableRawBufferPointer) -> UnsafeMutableRawBufferPointer {
        socket.nextSendSlot() ?? scratch
    }

    /// Protects `length` bytes of RTP in place and sends them. `buffer` must have room for the SRTP trailer.
    @inline(__always)
    public func sendRTP(_ buffer: UnsafeMutableRawBufferPointer, length: Int) {
        guard state == .connected, let srtpOut, let address = ice.selectedAddress else { return }
        guard let protected = try? srtpOut.protectRTP(buffer, length: length) else {
            counted.protectFailures += 1
            return
        }
        counted.rtpSent += 1
        socket.send(UnsafeRawBufferPointer(rebasing: buffer[0..<protected]), to: address)
    }

    public func sendRTCP(_ bytes: [UInt8]) {
        // Copied once: into the socket's next send slot when it has one, as RTP is built.
        let out = sendBuffer(orElse: rtcpScratch)
        guard state == .connected, bytes.count + SRTPContext.maxTrailerLength <= out.count else { return }
        out.copyBytes(from: bytes)
        sendRTCP(out, length: bytes.count)
    }

    /// Protects `length` bytes of RTCP in place and sends them. `buffer` must have room for the SRTCP trailer.
    public func sendRTCP(_ buffer: UnsafeMutableRawBufferPointer, length: Int) {
        guard state == .connected, let srtpOut, let address = ice.selectedAddress else { return }
        guard let protected = try? srtpOut.protectRTCP(buffer, length: length) else {
            counted.protectFailures += 1
            return
        }
        counted.rtcpSent += 1
        socket.send(UnsafeRawBufferPointer(rebasing: buffer[0..<protected]), to: address)
    }

    /// Room an outbound RTP buffer needs after the packet for the SRTP trailer.
    public static var trailerRoom: Int { SRTPContext.maxTrailerLength }

    /// Sends close_notify while the DTLS association is still held; after its release the peer learns of the
    /// close from signaling, or from its consent checks going unanswered.
    public func close(reason: TransportCloseReason = .local) {
        guard state != .closed else { return }
        if let dtls, state == .connected, let address = ice.selectedAddress {
            for datagram in dtls.close().datagrams { socket.send(datagram, to: address) }
        }
        state = .closed
        ice.close()
        server.unregister(self)
        delegate?.transport(self, didClose: reason)
        delegate = nil
    }

    /// ICE restart (the peer's offer carried a new ufrag, RFC 8839 §4.4.1.1.1): new local credentials for the answer.
    /// DTLS, SRTP and the media path carry on; the peer's checks with the credentials in use before still pass until
    /// its first check with the new ones, and their ufrag still routes here until the transport closes or restarts.
    public func restartICE(remoteUfrag: String) {
        guard state != .closed else { return }
        let replaced = localCredentials.ufrag
        let fresh = server.routeFreshCredentials(to: self)
        ice.restart(local: fresh, remoteUfrag: remoteUfrag)
        localCredentials = fresh
        server.retire(replaced, of: self, keeping: ice.previousUfrag)
    }

    // MARK: DTLS

    private func beginDTLS(now: Double) {
        state = .connecting
        do {
            let endpoint = try DTLSEndpoint(role: dtlsRole, certificate: server.certificate,
                                            remoteFingerprint: remoteFingerprint, mtu: 1200)
            dtls = endpoint
            apply(endpoint.start(now: now))
        } catch {
            fail("dtls_setup: \(error)")
        }
    }

    private func apply(_ output: DTLSOutput) {
        if let address = ice.selectedAddress {
            for datagram in output.datagrams { socket.send(datagram, to: address) }
        }
        switch output.event {
        case .connected(let keys)?:
            installKeys(keys)
        case .failed(let reason)?:
            fail(reason)
        case .closed?:
            close(reason: .remoteClosed)
        case nil:
            break
        }
    }

    private func installKeys(_ keys: SRTPKeyingMaterial) {
        guard let profile = SRTPProfile(dtlsProfileID: keys.profileID) else {
            fail("unsupported SRTP profile \(keys.profileID)")
            return
        }
        do {
            srtpIn = try SRTPContext(profile: profile, masterKeyAndSalt: keys.remoteMasterKeyAndSalt, direction: .inbound)
            srtpOut = try SRTPContext(profile: profile, masterKeyAndSalt: keys.localMasterKeyAndSalt, direction: .outbound)
        } catch {
            fail("srtp_setup: \(error)")
            return
        }
        state = .connected
        delegate?.transportDidConnect(self)
    }

    private func fail(_ reason: String) {
        guard state != .failed, state != .closed else { return }
        state = .failed
        delegate?.transport(self, didFail: reason)
    }
}
