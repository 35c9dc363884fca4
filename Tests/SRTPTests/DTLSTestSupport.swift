import DTLS

/// Seconds on a monotonic clock that advances with real time (OpenSSL's DTLS timer runs on the real clock).
func monotonicSeconds() -> Double {
    let elapsed = ContinuousClock.now - testClockStart
    return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
}
private let testClockStart = ContinuousClock.now

/// Two endpoints wired back to back in memory, with an optional loss pattern.
final class DTLSLink {
    let client: DTLSEndpoint
    let server: DTLSEndpoint
    var events: [DTLSRole: [DTLSEvent]] = [.client: [], .server: []]
    var applicationData: [DTLSRole: [[UInt8]]] = [.client: [], .server: []]
    /// Datagrams each side has emitted so far (dropped or not).
    var sent: [DTLSRole: Int] = [.client: 0, .server: 0]
    var dropped: [DTLSRole: Int] = [.client: 0, .server: 0]
    /// Decides whether the n-th datagram (0-based) emitted by `from` is lost.
    var drop: (_ from: DTLSRole, _ index: Int) -> Bool = { _, _ in false }
    private var inFlight: [(to: DTLSRole, datagram: [UInt8])] = []

    init(clientCertificate: DTLSCertificate, serverCertificate: DTLSCertificate,
         clientExpects: String? = nil, serverExpects: String? = nil, retransmitTimeout: Double = 1.0) throws {
        client = try DTLSEndpoint(
            role: .client, certificate: clientCertificate,
            remoteFingerprint: ("sha-256", clientExpects ?? serverCertificate.fingerprintSHA256),
            initialRetransmitTimeout: retransmitTimeout)
        server = try DTLSEndpoint(
            role: .server, certificate: serverCertificate,
            remoteFingerprint: ("sha-256", serverExpects ?? clientCertificate.fingerprintSHA256),
            initialRetransmitTimeout: retransmitTimeout)
    }

    func endpoint(_ role: DTLSRole) -> DTLSEndpoint { role == .client ? client : server }

    func absorb(_ output: DTLSOutput, from role: DTLSRole) {
        if let event = output.event { events[role, default: []].append(event) }
        applicationData[role, default: []].append(contentsOf: output.applicationData)
        for datagram in output.datagrams {
            let index = sent[role, default: 0]
            sent[role] = index + 1
            if drop(role, index) {
                dropped[role, default: 0] += 1
            } else {
                inFlight.append((to: role == .client ? .server : .client, datagram: datagram))
            }
        }
    }

    /// Delivers datagrams until none are in flight.
    func pump() {
        var guardCount = 0
        while !inFlight.isEmpty, guardCount < 1_000 {
            guardCount += 1
            let (to, datagram) = inFlight.removeFirst()
            let output = datagram.withUnsafeBytes { endpoint(to).handle(datagram: $0, now: monotonicSeconds()) }
            absorb(output, from: to)
        }
    }

    /// Starts the client and runs until both sides report an event, sleeping for retransmission timers when the
    /// network falls silent. Gives up after `deadline` seconds.
    func runHandshake(deadline: Double = 10) async throws {
        let start = monotonicSeconds()
        absorb(client.start(now: start), from: .client)
        absorb(server.start(now: start), from: .server)
        while monotonicSeconds() - start < deadline {
            pump()
            if events[.client]?.isEmpty == false && events[.server]?.isEmpty == false { return }
            let timers = [client.nextTimeout, server.nextTimeout].compactMap { $0 }
            guard let next = timers.min() else { return }
            let wait = max(0, next - monotonicSeconds()) + 0.002
            try await Task.sleep(for: .milliseconds(Int(wait * 1000) + 1))
            absorb(client.handleTimeout(now: monotonicSeconds()), from: .client)
            absorb(server.handleTimeout(now: monotonicSeconds()), from: .server)
        }
    }

    func keys(_ role: DTLSRole) -> SRTPKeyingMaterial? {
        for case .connected(let keys) in events[role] ?? [] { return keys }
        return nil
    }
}
