public import STUN
import ICE
public import RTP
public import DTLS

/// Routes datagrams on the shared socket to peer transports: STUN by ICE username fragment (the first contact),
/// everything else by source address (RFC 7983 first-byte demultiplexing): any address a peer passed a check
/// from routes to its transport. Confined to its media loop.
public final class TransportServer: DatagramHandler, @unchecked Sendable {
    public let socket: UDPMediaSocket
    public let certificate: DTLSCertificate
    /// The addresses put into ICE candidates (`media.announcedAddress`), the first preferred.
    public let announcedAddresses: [String]
    public var port: UInt16 { socket.localPort }

    public struct Counters: Sendable {
        public var unknownSource = 0
        public var malformed = 0
        public var unknownUfrag = 0
    }
    public private(set) var counters = Counters()

    /// Counters of the transports already closed, so that server-wide totals never go back.
    private var closedTotals = TransportCounters()

    private var byUfrag: [String: PeerTransport] = [:]
    /// A transport's ufrag from before its last ICE restart, still routed to it (see `PeerTransport.restartICE`).
    private var retiredUfrag: [ObjectIdentifier: String] = [:]
    /// By source address: a `FlatTable`, since every packet in looks here first (`handleDatagram`).
    private let byAddress = FlatTable<TransportAddress, PeerTransport>()
    private var transports: [ObjectIdentifier: PeerTransport] = [:]
    private var tickHooks: [(Double) -> Void] = []
    private var nextTransportSweep = 0.0
    static let transportSweepInterval = 0.05

    /// RTCP protection scratch for all transports of this loop (see `PeerTransport.sendRTCP`).
    let rtcpScratch = UnsafeMutableRawBufferPointer.allocate(byteCount: 2048, alignment: 16)

    public init(socket: UDPMediaSocket, certificate: DTLSCertificate, announcedAddresses: [String]) {
        self.socket = socket
        self.certificate = certificate
        self.announcedAddresses = announcedAddresses
    }

    deinit { rtcpScratch.deallocate() }

    /// Creates a transport for a peer whose offer carried `remoteUfrag` and `remoteFingerprint`.
    public func makeTransport(remoteUfrag: String, remoteFingerprint: (algorithm: String, value: String),
                              dtlsRole: DTLSRole, consentTimeout: Double) -> PeerTransport {
        let credentials = unusedCredentials()
        let transport = PeerTransport(server: self, local: credentials, remoteUfrag: remoteUfrag,
                                      remoteFingerprint: remoteFingerprint, dtlsRole: dtlsRole,
                                      consentTimeout: consentTimeout)
        byUfrag[credentials.ufrag] = transport
        transports[ObjectIdentifier(transport)] = transport
        return transport
    }

    /// Runs `hook` on every tick of the loop (rooms use it for RTCP reports and key-frame timers).
    public func addTickHook(_ hook: @escaping (Double) -> Void) { tickHooks.append(hook) }

    private func unusedCredentials() -> ICECredentials {
        var credentials = ICECredentials.random()
        while byUfrag[credentials.ufrag] != nil { credentials = .random() }
        return credentials
    }

    /// New credentials for `transport`'s ICE restart, routed to it.
    func routeFreshCredentials(to transport: PeerTransport) -> ICECredentials {
        let credentials = unusedCredentials()
        byUfrag[credentials.ufrag] = transport
        return credentials
    }

    /// After `transport`'s ICE restart replaced `ufrag`: of its older ufrags only `kept` (the one its agent still
    /// accepts checks for) stays routed.
    func retire(_ ufrag: String, of transport: PeerTransport, keeping kept: String?) {
        let id = ObjectIdentifier(transport)
        for old in [ufrag, retiredUfrag[id]].compactMap({ $0 }) where old != kept && byUfrag[old] === transport {
            byUfrag[old] = nil
        }
        retiredUfrag[id] = kept
    }

    func unregister(_ transport: PeerTransport) {
        byUfrag[transport.localCredentials.ufrag] = nil
        if let retired = retiredUfrag.removeValue(forKey: ObjectIdentifier(transport)) { byUfrag[retired] = nil }
        for address in transport.routedAddresses where byAddress[address] === transport { byAddress[address] = nil }
        if transports.removeValue(forKey: ObjectIdentifier(transport)) != nil {
            closedTotals = closedTotals + transport.counters
        }
    }

    /// Routes media from the addresses in `new` to `transport` instead of those in `old`. An address newly checked
    /// is taken over from any other transport (a new peer behind an old peer's address and port); one that another
    /// transport took meanwhile stays with that one.
    func route(_ transport: PeerTransport, from old: [TransportAddress], to new: [TransportAddress]) {
        for address in old where !new.contains(address) && byAddress[address] === transport { byAddress[address] = nil }
        for address in new where !old.contains(address) { byAddress[address] = transport }
    }

    public var transportCount: Int { transports.count }

    /// With no transport there is nothing to time; room timers need media, and media needs a transport.
    public var isIdle: Bool { transports.isEmpty }

    /// Every transport's counters since start, closed ones included (for metrics; a walk over all transports).
    public var transportTotals: TransportCounters {
        transports.values.reduce(closedTotals) { $0 + $1.counters }
    }

    // MARK: DatagramHandler

    @inline(__always)
    public func handleDatagram(_ bytes: UnsafeMutableRawBufferPointer, from source: TransportAddress, now: Double) {
        guard let first = bytes.first else { counters.malformed += 1; return }
        switch first {
        case 128...191:
            guard let transport = byAddress[source] else { counters.unknownSource += 1; return }
            transport.handleSRTP(bytes, from: source, now: now)
        case 20...63:
            guard let transport = byAddress[source] else { counters.unknownSource += 1; return }
            transport.handleDTLS(bytes, now: now)
        case 0...3:
            // By username fragment, not address: a new peer may reuse an old peer's address and port.
            if let ufrag = stunLocalUfrag(UnsafeRawBufferPointer(bytes)), let transport = byUfrag[ufrag] {
                transport.handleSTUN(bytes, from: source, now: now)
            } else {
                counters.unknownUfrag += 1
            }
        default:
            counters.malformed += 1
        }
    }

    public func tick(now: Double) {
        // Transport timers (consent: seconds; DTLS retransmission: ≥ 1 s) need no 10 ms sweep over every peer.
        if now >= nextTransportSweep {
            nextTransportSweep = now + Self.transportSweepInterval
            for transport in Array(transports.values) { transport.tick(now: now) }  // a copy: tick may close one
        }
        for hook in tickHooks { hook(now) }
    }
}

// Source addresses key `TransportServer.byAddress`. An IPv4 address and port make one 48-bit number; an IPv6 one
// three words, each under its own multiplier, so that no part of the address a peer chooses can cancel another.
extension TransportAddress: FlatTableKey {
    @inlinable @inline(__always)
    public func mixed(_ first: UInt64, _ second: UInt64) -> UInt64 {
        switch ip {
        case .v4(let address): return (UInt64(address) << 16 | UInt64(port)) &* first
        case .v6(let high, let low): return high &* first &+ low &* second &+ UInt64(port) &* (first ^ second | 1)
        }
    }
}
