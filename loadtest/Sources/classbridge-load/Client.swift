import CLoadSupport
import CSocket
import DTLS
import ICE
import RTCP
import SRTP
import STUN

/// Per-subscribed-stream counters for the current measurement window (reset at its start).
struct StreamStats {
    var isVideo: Bool
    var received = 0
    var bytes = 0
    var firstCounter: UInt32? = nil
    var lastCounter: UInt32 = 0
    /// Packets expected from the sender's counter (first…last seen in the window).
    var expected: Int { firstCounter.map { Int(lastCounter &- $0) + 1 } ?? 0 }
}

/// One simulated participant: its signaling socket, UDP socket, ICE (controlling, towards an ICE-lite server),
/// DTLS client, SRTP contexts, what it publishes and what it counts. Owned by the one engine thread.
final class LoadClient {
    enum ICEState { case idle, checking, connected, failed }

    let index: Int
    let name: String
    let room: String
    let role: String
    let udp: Int32
    let local = ICECredentials.random()
    let tieBreaker = UInt64.random(in: 1...UInt64.max)
    var plan: OfferPlan
    var ws: WebSocketClient?
    var requestID = 1

    // transport
    var remote: AnswerTransport?
    var iceState = ICEState.idle
    var iceStartedNs: UInt64 = 0
    var lastCheckNs: UInt64 = 0
    var dtls: DTLSEndpoint?
    var outbound: SRTPContext?
    var inbound: SRTPContext?
    var failure: String?
    var nextReportNs: UInt64 = 0
    var srtpReady: Bool { outbound != nil && inbound != nil }

    // publishing
    var publishedTracks: [(id: String, kind: String)] = []
    var videoFrame = 0
    /// The next chunk of `videoFrame` to send; 0 with `pacingFrame` false when the frame is done.
    var videoChunk = 0
    var pacingFrame = false
    var nextVideoPacketNs: UInt64 = 0
    /// A PLI/FIR arrived: the next frame restarts the clip at its key frame (never in the middle of a frame).
    var keyframePending = false
    var videoPictureID = UInt16.random(in: 0...0x7FFF)
    var videoTimestamp = UInt32.random(in: 0...UInt32.max)
    var audioTimestamp = UInt32.random(in: 0...UInt32.max)
    var videoSeq = UInt16.random(in: 0...UInt16.max)
    var audioSeq = UInt16.random(in: 0...UInt16.max)
    var videoCounter: UInt32 = 0
    var audioCounter: UInt32 = 0
    var audioIndex = 0
    var transportSeq: UInt16 = 0
    var nextVideoNs: UInt64 = 0
    var nextAudioNs: UInt64 = 0
    var lastKeyframeAnswerNs: UInt64 = 0
    var keyframeRequests = 0
    var windowSentVideo = 0
    var windowSentAudio = 0

    // receiving
    var streams: [UInt32: StreamStats] = [:]
    var joinStartNs: UInt64 = 0
    var firstVideoNs: UInt64 = 0
    var firstAudioNs: UInt64 = 0
    var totalVideo = 0
    var totalAudio = 0
    var unprotectErrors = 0
    /// What this client exchanged with the server besides media, in all: SRTCP each way and the checks it sent
    /// (each answered). Summed over a step's window, the control traffic the step's forwarder bound exchanges too.
    var rtcpSent = 0, rtcpReceived = 0, checksSent = 0

    var isPublisher: Bool { plan.publishAudio || plan.publishVideo }

    init(index: Int, name: String, room: String, role: String, publishAudio: Bool, publishVideo: Bool) throws {
        self.index = index
        self.name = name
        self.room = room
        self.role = role
        plan = OfferPlan(publishAudio: publishAudio, publishVideo: publishVideo,
                         audioSSRC: UInt32.random(in: 1...UInt32.max), videoSSRC: UInt32.random(in: 1...UInt32.max))
        let fd = cb_udp_bind_ipv4(0x7F00_0001, 0, 1 << 20, 1 << 20)
        guard fd >= 0 else { throw LoadError("udp bind errno \(-fd)") }
        _ = cb_enable_receive_timestamps(fd)  // latency ends when the datagram reaches the socket
        udp = fd
    }

    deinit { cbl_close(udp) }

    func nextRequestID() -> Int {
        requestID += 1
        return requestID
    }

    // MARK: ICE

    /// A Binding request towards the ICE-lite server: USERNAME "serverUfrag:clientUfrag", PRIORITY,
    /// ICE-CONTROLLING, USE-CANDIDATE, MESSAGE-INTEGRITY (server's ice-pwd), FINGERPRINT. Also used for consent.
    func sendBindingRequest(now: UInt64) {
        guard let remote else { return }
        let message = STUNMessage(type: .bindingRequest, transactionID: STUNMessage.randomTransactionID(), attributes: [
            .username("\(remote.ufrag):\(local.ufrag)"),
            .priority(0x6E00_1EFF),
            .iceControlling(tieBreaker),
            .useCandidate,
        ])
        send(message.serialize(integrityKey: Array(remote.pwd.utf8), addFingerprint: true))
        lastCheckNs = now
        checksSent += 1
    }

    func send(_ bytes: [UInt8]) {
        guard let remote else { return }
        _ = bytes.withUnsafeBytes { cb_send_ipv4(udp, $0.baseAddress, $0.count, remote.ip, remote.port) }
    }

    func send(_ buffer: UnsafeRawPointer, length: Int) {
        guard let remote else { return }
        _ = cb_send_ipv4(udp, buffer, length, remote.ip, remote.port)
    }

    func handleSTUN(_ bytes: UnsafeRawBufferPointer, now: UInt64, certificate: DTLSCertificate, fingerprint: String) {
        guard let message = try? STUNMessage(parsing: bytes), message.type == .bindingSuccess,
              iceState == .checking, let remote else { return }
        iceState = .connected
        do {
            let endpoint = try DTLSEndpoint(role: remote.serverIsDTLSClient ? .server : .client,
                                            certificate: certificate,
                                            remoteFingerprint: ("sha-256", remote.fingerprint))
            dtls = endpoint
            apply(endpoint.start(now: seconds(now)))
        } catch {
            fail("dtls setup: \(error)")
        }
    }

    func handleDTLS(_ bytes: UnsafeRawBufferPointer, now: UInt64) {
        guard let dtls else { return }
        apply(dtls.handle(datagram: bytes, now: seconds(now)))
    }

    func apply(_ output: DTLSOutput) {
        for datagram in output.datagrams { send(datagram) }
        switch output.event {
        case .connected(let keys)?:
            guard let profile = SRTPProfile(dtlsProfileID: keys.profileID) else { return fail("srtp profile") }
            do {
                outbound = try SRTPContext(profile: profile, masterKeyAndSalt: keys.localMasterKeyAndSalt,
                                           direction: .outbound)
                inbound = try SRTPContext(profile: profile, masterKeyAndSalt: keys.remoteMasterKeyAndSalt,
                                          direction: .inbound)
            } catch {
                fail("srtp: \(error)")
            }
        case .failed(let reason)?: fail("dtls: \(reason)")
        default: break
        }
    }

    /// An RTCP receiver report every 0.5–1.5 s, as aiortc sends them (browsers: every 1–5 s), with a block per
    /// received stream. Its cost is part of what a real listener costs the server, and it tells the server that
    /// this client holds the SRTP keys, which lets the server release the DTLS state.
    func sendReceiverReport() {
        guard let outbound else { return }
        let blocks = streams.prefix(31).map { ssrc, stats in
            ReceptionReport(ssrc: ssrc, cumulativeLost: Int32(clamping: max(0, stats.expected - stats.received)))
        }
        let plain = RTCPCompound.serialize([.receiverReport(ReceiverReport(ssrc: plan.audioSSRC, reports: blocks))])
        var buffer = plain + [UInt8](repeating: 0, count: SRTPContext.maxTrailerLength)
        guard let length = buffer.withUnsafeMutableBytes({ try? outbound.protectRTCP($0, length: plain.count) })
        else { return }
        buffer.withUnsafeBytes { send($0.baseAddress!, length: length) }
        rtcpSent += 1
    }

    func fail(_ reason: String) {
        if failure == nil { failure = reason }
        iceState = .failed
    }

    /// Timers: check retransmission (every 100 ms until answered, 10 s limit), consent (every 2 s), DTLS.
    func tick(now: UInt64) {
        switch iceState {
        case .checking:
            if now - iceStartedNs > 10_000_000_000 { fail("ice timeout") }
            else if now - lastCheckNs >= 100_000_000 { sendBindingRequest(now: now) }
        case .connected:
            if now - lastCheckNs >= 2_000_000_000 { sendBindingRequest(now: now) }
            if srtpReady, now >= nextReportNs {
                sendReceiverReport()
                nextReportNs = now + UInt64.random(in: 500_000_000...1_500_000_000)
            }
            if let dtls, let due = dtls.nextTimeout, seconds(now) >= due { apply(dtls.handleTimeout(now: seconds(now))) }
        default: break
        }
    }
}

@inline(__always) func seconds(_ ns: UInt64) -> Double { Double(ns) / 1e9 }
