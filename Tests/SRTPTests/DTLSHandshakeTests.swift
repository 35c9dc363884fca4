import Testing
import DTLS
import SRTP

@Suite struct DTLSHandshakeTests {
    @Test func certificateFingerprintIsSDPForm() throws {
        let certificate = try DTLSCertificate.generateSelfSigned()
        let parts = certificate.fingerprintSHA256.split(separator: ":")
        #expect(parts.count == 32)
        #expect(parts.allSatisfy { $0.count == 2 && $0.allSatisfy { "0123456789ABCDEF".contains($0) } })
        #expect(try DTLSCertificate.generateSelfSigned().fingerprintSHA256 != certificate.fingerprintSHA256)
    }

    @Test func handshakeConnectsWithMatchingKeysAndPrefersGCM() async throws {
        let link = try DTLSLink(clientCertificate: .generateSelfSigned(), serverCertificate: .generateSelfSigned())
        try await link.runHandshake()
        let client = try #require(link.keys(.client))
        let server = try #require(link.keys(.server))
        #expect(link.client.isConnected && link.server.isConnected)
        #expect(client.profileID == 0x0007)  // AEAD_AES_128_GCM first
        #expect(server.profileID == 0x0007)
        #expect(client.localMasterKeyAndSalt == server.remoteMasterKeyAndSalt)
        #expect(client.remoteMasterKeyAndSalt == server.localMasterKeyAndSalt)
        #expect(client.localMasterKeyAndSalt.count == 28 && client.remoteMasterKeyAndSalt.count == 28)
        #expect(client.localMasterKeyAndSalt != client.remoteMasterKeyAndSalt)
        #expect(link.dropped[.client] == 0 && link.dropped[.server] == 0)
    }

    @Test func exportedKeysDriveSRTPBothWays() async throws {
        let link = try DTLSLink(clientCertificate: .generateSelfSigned(), serverCertificate: .generateSelfSigned())
        try await link.runHandshake()
        let client = try #require(link.keys(.client))
        let server = try #require(link.keys(.server))
        let profile = try #require(SRTPProfile(dtlsProfileID: client.profileID))
        #expect(profile == .aeadAES128GCM)

        let clientTx = try SRTPContext(profile: profile, masterKeyAndSalt: client.localMasterKeyAndSalt, direction: .outbound)
        let serverRx = try SRTPContext(profile: profile, masterKeyAndSalt: server.remoteMasterKeyAndSalt, direction: .inbound)
        let serverTx = try SRTPContext(profile: profile, masterKeyAndSalt: server.localMasterKeyAndSalt, direction: .outbound)
        let clientRx = try SRTPContext(profile: profile, masterKeyAndSalt: client.remoteMasterKeyAndSalt, direction: .inbound)

        let up = rtpPacket(sequence: 1)
        #expect(try serverRx.unprotect(try clientTx.protect(up, .rtp), .rtp) == up)
        let down = rtpPacket(sequence: 9, payload: [1, 2, 3, 4])
        #expect(try clientRx.unprotect(try serverTx.protect(down, .rtp), .rtp) == down)
        #expect(try clientRx.unprotect(try serverTx.protect(senderReport, .rtcp), .rtcp) == senderReport)
        // Each direction has its own key: the client cannot unprotect its own outbound packets.
        let ownOutbound = try clientTx.protect(rtpPacket(sequence: 2), .rtp)
        #expect(throws: SRTPError.self) { try clientRx.unprotect(ownOutbound, .rtp) }
    }

    @Test func clientRejectsUnexpectedServerFingerprint() async throws {
        let wrong = try DTLSCertificate.generateSelfSigned().fingerprintSHA256
        let link = try DTLSLink(clientCertificate: .generateSelfSigned(), serverCertificate: .generateSelfSigned(),
                                clientExpects: wrong)
        try await link.runHandshake(deadline: 5)
        #expect(link.events[.client] == [.failed(reason: "dtls_fingerprint_mismatch")])
        #expect(link.keys(.client) == nil && link.keys(.server) == nil)
        #expect(!link.client.isConnected && !link.server.isConnected)
        // The server learns of it through the alert.
        #expect(link.events[.server] == [.failed(reason: "sslv3 alert bad certificate")])
    }

    @Test func serverRejectsUnexpectedClientFingerprint() async throws {
        let wrong = try DTLSCertificate.generateSelfSigned().fingerprintSHA256.lowercased()
        let link = try DTLSLink(clientCertificate: .generateSelfSigned(), serverCertificate: .generateSelfSigned(),
                                serverExpects: wrong)
        try await link.runHandshake(deadline: 5)
        #expect(link.events[.server] == [.failed(reason: "dtls_fingerprint_mismatch")])
        #expect(link.keys(.server) == nil && link.keys(.client) == nil)
        #expect(link.events[.client] == [.failed(reason: "sslv3 alert bad certificate")])
    }

    @Test func fingerprintComparisonIgnoresCase() async throws {
        let clientCertificate = try DTLSCertificate.generateSelfSigned()
        let serverCertificate = try DTLSCertificate.generateSelfSigned()
        let link = try DTLSLink(clientCertificate: clientCertificate, serverCertificate: serverCertificate,
                                clientExpects: serverCertificate.fingerprintSHA256.lowercased())
        try await link.runHandshake()
        #expect(link.keys(.client) != nil && link.keys(.server) != nil)
    }

    @Test(arguments: [
        ("client's ClientHello", DTLSRole.client, 0),
        ("server's ServerHello", DTLSRole.server, 0),
        ("client's second flight (Certificate … Finished)", DTLSRole.client, 1),
        ("server's final flight (ChangeCipherSpec, Finished)", DTLSRole.server, 1),
    ])
    func lostFlightIsRecoveredByTimeout(name: String, lossy: DTLSRole, index: Int) async throws {
        let link = try DTLSLink(clientCertificate: .generateSelfSigned(), serverCertificate: .generateSelfSigned(),
                                retransmitTimeout: 0.1)
        // Lose exactly one datagram: the `index`-th one that side emits. OpenSSL packs a first transmission's
        // flight into one datagram (at this MTU); retransmissions go out one message per datagram.
        link.drop = { from, datagramIndex in from == lossy && datagramIndex == index }
        let start = monotonicSeconds()
        try await link.runHandshake()
        #expect(link.dropped[lossy] == 1)
        #expect(link.keys(.client) != nil && link.keys(.server) != nil)
        #expect(link.keys(.client)?.localMasterKeyAndSalt == link.keys(.server)?.remoteMasterKeyAndSalt)
        #expect(monotonicSeconds() - start >= 0.09)  // a retransmission timer had to fire
    }

    @Test func timerIsReportedWhileAFlightIsUnanswered() throws {
        let client = try DTLSEndpoint(role: .client, certificate: .generateSelfSigned(),
                                      remoteFingerprint: ("sha-256", DTLSCertificate.generateSelfSigned().fingerprintSHA256))
        #expect(client.nextTimeout == nil)
        let output = client.start(now: 100)
        #expect(output.datagrams.count == 1 && output.event == nil)
        #expect(output.datagrams[0].first == 22)  // handshake record
        let timeout = try #require(client.nextTimeout)
        #expect(timeout > 100 && timeout <= 101)
        #expect(client.handleTimeout(now: 100.01).datagrams.isEmpty)  // not yet due
    }

    @Test func applicationDataRoundTrips() async throws {
        let link = try DTLSLink(clientCertificate: .generateSelfSigned(), serverCertificate: .generateSelfSigned())
        try await link.runHandshake()
        #expect(link.client.send(applicationData: []).datagrams.isEmpty)
        let big = (0..<1000).map { UInt8(truncatingIfNeeded: $0) }
        link.absorb(link.client.send(applicationData: [1, 2, 3]), from: .client)
        link.absorb(link.client.send(applicationData: big), from: .client)
        link.absorb(link.server.send(applicationData: Array("hello".utf8)), from: .server)
        link.pump()
        #expect(link.applicationData[.server] == [[1, 2, 3], big])
        #expect(link.applicationData[.client] == [Array("hello".utf8)])
    }

    @Test func closeNotifyReachesThePeer() async throws {
        let link = try DTLSLink(clientCertificate: .generateSelfSigned(), serverCertificate: .generateSelfSigned())
        try await link.runHandshake()
        let closing = link.server.close()
        #expect(closing.event == .closed && closing.datagrams.count == 1)
        #expect(!link.server.isConnected)
        link.absorb(closing, from: .server)
        link.pump()
        #expect(link.events[.client]?.last == .closed)
        #expect(!link.client.isConnected)
        #expect(link.client.send(applicationData: [1]).datagrams.isEmpty)
        #expect(link.client.nextTimeout == nil && link.server.nextTimeout == nil)
    }

    @Test func badRemoteFingerprintsAreRejectedUpFront() throws {
        let certificate = try DTLSCertificate.generateSelfSigned()
        #expect(throws: DTLSError.self) {
            try DTLSEndpoint(role: .client, certificate: certificate, remoteFingerprint: ("md5", "AB:CD"))
        }
        #expect(throws: DTLSError.self) {
            try DTLSEndpoint(role: .client, certificate: certificate, remoteFingerprint: ("sha-256", "AB:CD"))
        }
        #expect(throws: DTLSError.self) {
            try DTLSEndpoint(role: .server, certificate: certificate, remoteFingerprint: ("sha-256", "zz"))
        }
    }

    @Test func garbageDatagramsAreIgnored() async throws {
        let link = try DTLSLink(clientCertificate: .generateSelfSigned(), serverCertificate: .generateSelfSigned())
        let junk: [UInt8] = [22, 0xfe, 0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 5, 1, 2, 3]
        let output = junk.withUnsafeBytes { link.server.handle(datagram: $0, now: monotonicSeconds()) }
        #expect(output.event == nil)
        try await link.runHandshake()
        #expect(link.keys(.client) != nil && link.keys(.server) != nil)
    }
}
