import CLoadSupport
import CSocket
import DTLS
import RTCP
import RTP
import SRTP

/// Counters of the current measurement window, over all clients.
struct Window {
    var startNs: UInt64 = 0
    var sentVideo = 0
    var sentAudio = 0
    var receivedVideo = 0
    var receivedAudio = 0
    var receivedBytes = 0
    var videoLatencyUs: [Float] = []
    var audioLatencyUs: [Float] = []
    /// How long received media waited on its socket for this thread (kernel arrival → handled), µs.
    var receiveBacklogUs: [Float] = []
    /// How late this thread sent media against its schedule (the pacer's time for video, 20 ms steps for audio),
    /// µs: late sends leave in clusters, which queue at the server like a burst.
    var sendLatenessUs: [Float] = []
    var keyframeRequests = 0
}

/// The load generator's one media thread: epoll over every client's UDP and signaling socket, recvmmsg batches,
/// publisher pacing (a VP8 frame every 1/fps, its packets spread at 2.5 × the clip's bitrate as libwebrtc's
/// pacer spreads them; an Opus packet every 20 ms), ICE/DTLS timers.
final class Engine {
    var clients: [LoadClient] = []
    var publishers: [LoadClient] = []
    let epfd: Int32
    let certificate: DTLSCertificate
    let fingerprint: String
    let video: VideoClip?
    let audio: AudioClip?
    var window = Window()
    private var slots: [cb_datagram]
    private let slotMemory: UnsafeMutableRawBufferPointer
    let sendBufferPointer = UnsafeMutableRawBufferPointer.allocate(byteCount: 2048, alignment: 16)
    private var tokens = [UInt64](repeating: 0, count: 256)
    private var lastTickNs: UInt64 = 0
    static let batch = 32
    static let slotSize = 2048
    /// Bytes appended to every payload: sender's per-track counter (4) + CLOCK_MONOTONIC send time in ns (8).
    static let trailer = 12

    /// libwebrtc's default pacing factor: a sender paces packets at 2.5 × its target bitrate.
    static let pacingFactor = 2.5
    /// ns per byte on the wire while a frame is paced out; 0 sends each frame as one burst (`--unpaced`).
    let pacingNsPerByte: Double

    init(video: VideoClip?, audio: AudioClip?, paced: Bool = true) throws {
        let fd = cbl_epoll_create()
        guard fd >= 0 else { throw LoadError("epoll_create errno \(-fd)") }
        epfd = fd
        certificate = try DTLSCertificate.generateSelfSigned(commonName: "classbridge-load")
        fingerprint = certificate.fingerprintSHA256
        self.video = video
        self.audio = audio
        pacingNsPerByte = paced ? video.map { 8e9 / (Self.pacingFactor * $0.bitsPerSecond) } ?? 0 : 0
        let memory = UnsafeMutableRawBufferPointer.allocate(byteCount: Self.batch * Self.slotSize, alignment: 16)
        slotMemory = memory
        slots = datagramSlots(in: memory, count: Self.batch, size: Self.slotSize)
    }

    func add(_ client: LoadClient) {
        precondition(client.index == clients.count)
        clients.append(client)
        _ = cbl_epoll_add(epfd, client.udp, UInt64(client.index) << 1)
        if let ws = client.ws { _ = cbl_epoll_add(epfd, ws.fd, UInt64(client.index) << 1 | 1) }
    }

    func startICE(_ client: LoadClient) {
        let now = cbl_monotonic_ns()
        client.iceState = .checking
        client.iceStartedNs = now
        client.sendBindingRequest(now: now)
    }

    func startPublishing(_ client: LoadClient) {
        guard !publishers.contains(where: { $0 === client }) else { return }
        let now = cbl_monotonic_ns()
        // Cameras and microphones run on their own clocks: each source starts at a random phase.
        client.nextVideoNs = now + UInt64.random(in: 0..<1_000_000_000 / UInt64(video?.fps ?? 30))
        client.nextAudioNs = now + UInt64.random(in: 0..<20_000_000)
        publishers.append(client)
    }

    func resetWindow() {
        window = Window()
        window.videoLatencyUs.reserveCapacity(1 << 20)
        window.audioLatencyUs.reserveCapacity(1 << 18)
        window.receiveBacklogUs.reserveCapacity(1 << 20)
        window.sendLatenessUs.reserveCapacity(1 << 18)
        window.startNs = cbl_monotonic_ns()
        for client in clients { client.windowSentVideo = 0; client.windowSentAudio = 0 }
        for client in clients { for key in client.streams.keys { client.streams[key] = StreamStats(isVideo: client.streams[key]!.isVideo) } }
    }

    /// Consent checks, and nothing else, from every connected client that sent none for `olderThanNs`: while the
    /// generator measures the floors between steps (about 13 s) its loop does not run, and a server drops a peer
    /// whose checks stop for its consent timeout (10 s by default). Their answers wait in the sockets until the
    /// loop runs again. Returns how many it sent.
    @discardableResult
    func sendConsentChecks(olderThanNs: UInt64) -> Int {
        let now = cbl_monotonic_ns()
        var sent = 0
        for client in clients where client.iceState == .connected && now - client.lastCheckNs >= olderThanNs {
            client.sendBindingRequest(now: now)
            sent += 1
        }
        return sent
    }

    @inline(__always) private func noteLateness(_ ns: UInt64) {
        if window.sendLatenessUs.count < 4_000_000 { window.sendLatenessUs.append(Float(ns) / 1000) }
    }

    /// When a source that captures every `period` ns (a camera's frames, a microphone's 20 ms) captures next: one
    /// period after `last`; if the sender fell more than `maxLag` behind (a stall, e.g. while clients join), the
    /// whole periods in between are dropped, so the source keeps its own phase. Restarting late sources at `now`
    /// instead gave every source that fell behind in the same stall one phase: from then on their packets arrived
    /// at the server together (90 publishers' audio within 0.5 ms), a burst real peers with their own clocks
    /// never send, and the queue behind it was most of the measured p99.
    @inline(__always)
    static func nextCapture(after last: UInt64, period: UInt64, now: UInt64, maxLag: UInt64 = 100_000_000) -> UInt64 {
        let next = last + period
        guard now > next + maxLag else { return next }
        return next + ((now - maxLag - next) / period + 1) * period
    }

    /// Runs the loop until `deadlineNs` or until `done()` holds (checked every 10 ms).
    func run(untilNs deadlineNs: UInt64, done: () -> Bool = { false }) {
        while true {
            var now = cbl_monotonic_ns()
            if now >= deadlineNs { return }
            var nextDue = min(deadlineNs, now + 10_000_000)
            for client in publishers where client.srtpReady {
                if client.plan.publishVideo, let video {
                    if !client.pacingFrame && now >= client.nextVideoNs {  // the camera's next frame
                        client.pacingFrame = true
                        client.nextVideoPacketNs = now
                        client.nextVideoNs = Self.nextCapture(after: client.nextVideoNs, period: 1_000_000_000 / UInt64(video.fps), now: now)
                    }
                    while client.pacingFrame && now >= client.nextVideoPacketNs {  // late: catch up, as a pacer does
                        noteLateness(now - client.nextVideoPacketNs)
                        let bytes = sendVideoPacket(client, clip: video)
                        client.nextVideoPacketNs += UInt64(Double(bytes) * pacingNsPerByte)
                    }
                    nextDue = min(nextDue, client.pacingFrame ? client.nextVideoPacketNs : client.nextVideoNs)
                }
                if client.plan.publishAudio, let audio {
                    if now >= client.nextAudioNs { noteLateness(now - client.nextAudioNs); sendAudioPacket(client, clip: audio, now: now)
                        client.nextAudioNs = Self.nextCapture(after: client.nextAudioNs, period: 20_000_000, now: now) }
                    nextDue = min(nextDue, client.nextAudioNs)
                }
            }
            if now - lastTickNs >= 10_000_000 {
                lastTickNs = now
                for client in clients { client.tick(now: now) }
                if done() { return }
            }
            now = cbl_monotonic_ns()
            let timeout = nextDue > now ? nextDue - now : 0
            let ready = tokens.withUnsafeMutableBufferPointer { cbl_epoll_wait(epfd, $0.baseAddress, 256, timeout) }
            for i in 0..<max(0, Int(ready)) {
                let client = clients[Int(tokens[i] >> 1)]
                if tokens[i] & 1 == 1 {
                    if client.ws?.drain() == false { _ = cbl_epoll_del(epfd, client.ws!.fd); client.fail("signaling closed") }
                } else {
                    receive(client)
                }
            }
        }
    }

    // MARK: receiving

    private func receive(_ client: LoadClient) {
        while true {
            let count = slots.withUnsafeMutableBufferPointer {
                cb_recv_batch(client.udp, $0.baseAddress, Int32(Self.batch))
            }
            guard count > 0 else { return }
            let now = cbl_monotonic_ns()
            // The kernel stamps with CLOCK_REALTIME; the payload's send time is CLOCK_MONOTONIC.
            let realtimeAhead = cb_realtime_ns() - Int64(now)
            for i in 0..<Int(count) {
                let buffer = UnsafeMutableRawBufferPointer(start: slots[i].buffer, count: Self.slotSize)
                let stamp = slots[i].arrival_realtime_ns
                let arrival = stamp == 0 ? now : UInt64(max(0, stamp - realtimeAhead))
                handle(client, buffer, length: slots[i].length, now: now, arrival: arrival)
            }
            if count < Self.batch { return }
        }
    }

    /// `arrival`: when the kernel queued the datagram on the client's socket (the latency's end: what the SFU and
    /// the loopback add, not this thread's own backlog, which `now` − `arrival` measures).
    private func handle(_ client: LoadClient, _ buffer: UnsafeMutableRawBufferPointer, length: Int, now: UInt64,
                        arrival: UInt64) {
        guard length > 0 else { return }
        let first = buffer[0]
        let bytes = UnsafeRawBufferPointer(rebasing: buffer[0..<length])
        switch first {
        case 0...3: client.handleSTUN(bytes, now: now, certificate: certificate, fingerprint: fingerprint)
        case 20...63: client.handleDTLS(bytes, now: now)
        case 128...191:
            guard let inbound = client.inbound, length >= 12 else { return }
            if RTPDemux.isRTCP(packetTypeByte: buffer[1]) {
                guard let plain = try? inbound.unprotectRTCP(buffer, length: length) else { client.unprotectErrors += 1; return }
                client.rtcpReceived += 1
                handleRTCP(client, UnsafeRawBufferPointer(rebasing: buffer[0..<plain]), now: now)
                return
            }
            guard let plain = try? inbound.unprotectRTP(buffer, length: length) else { client.unprotectErrors += 1; return }
            guard let view = RTPView(UnsafeRawBufferPointer(rebasing: buffer[0..<plain])),
                  view.payloadRange.count >= Self.trailer else { return }
            let end = view.payloadRange.upperBound
            let counter = view.bytes.be32( end - 12)
            let sent = UInt64(view.bytes.be32( end - 8)) << 32 | UInt64(view.bytes.be32( end - 4))
            let isVideo = view.payloadType == PayloadType.vp8
            let latency = Float(Int64(bitPattern: arrival &- sent)) / 1000
            if window.receiveBacklogUs.count < 4_000_000 { window.receiveBacklogUs.append(Float(Int64(bitPattern: now &- arrival)) / 1000) }
            var stats = client.streams[view.ssrc] ?? StreamStats(isVideo: isVideo)
            if stats.firstCounter == nil { stats.firstCounter = counter }
            if Int32(bitPattern: counter &- stats.lastCounter) > 0 || stats.received == 0 { stats.lastCounter = counter }
            stats.received += 1
            stats.bytes += plain
            client.streams[view.ssrc] = stats
            window.receivedBytes += plain
            if isVideo {
                window.receivedVideo += 1
                client.totalVideo += 1
                if client.firstVideoNs == 0 { client.firstVideoNs = now }
                if window.videoLatencyUs.count < 4_000_000 { window.videoLatencyUs.append(latency) }
            } else {
                window.receivedAudio += 1
                client.totalAudio += 1
                if client.firstAudioNs == 0 { client.firstAudioNs = now }
                if window.audioLatencyUs.count < 4_000_000 { window.audioLatencyUs.append(latency) }
            }
        default: break
        }
    }

    /// A PLI or FIR for our video SSRC restarts the clip at its key frame (at most every 250 ms).
    private func handleRTCP(_ client: LoadClient, _ bytes: UnsafeRawBufferPointer, now: UInt64) {
        guard client.plan.publishVideo, let packets = try? RTCPCompound.parse(bytes) else { return }
        for packet in packets {
            var wanted = false
            switch packet {
            case .pictureLossIndication(let pli): wanted = pli.mediaSSRC == client.plan.videoSSRC
            case .fullIntraRequest(let fir): wanted = fir.entries.contains { $0.ssrc == client.plan.videoSSRC }
            default: break
            }
            if wanted && now - client.lastKeyframeAnswerNs >= 250_000_000 {
                client.lastKeyframeAnswerNs = now
                client.keyframePending = true
                client.keyframeRequests += 1
                window.keyframeRequests += 1
            }
        }
    }
}
