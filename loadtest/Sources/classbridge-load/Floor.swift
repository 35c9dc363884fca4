import CLoadSupport
import CSocket
import SRTP

/// This machine's floor for forwarding one packet: SRTP protect (AEAD_AES_128_GCM, the profile the server
/// negotiates first) and one UDP `sendto`, with no SFU logic at all. The packets are the clip's real VP8 packets
/// (same sizes as the load); only this thread's CPU time around protect/send is counted. Two variants:
/// - idle sink: one socket, drained between batches outside the measurement — the cheapest case, and no longer
///   what the server meets;
/// - live receivers (`LiveFloor.swift`, the one reports compare against): one packet fanned out to N sockets that
///   another thread reads as the generator does, one SRTP session per receiver. On loopback the receiver's softirq
///   path, its wake-ups and the cross-CPU contention on its socket are charged to the sender, as for the server.
enum Floor {
    static func measure(video: VideoClip?, audio: AudioClip? = nil, seconds: Double = 2, sessions: Int = 1,
                        liveReceivers: Int = 100) throws -> FloorResult {
        let packets = rtpPackets(video: video, audio: audio)
        var result = try measureIdleSink(packets: packets, seconds: seconds, sessions: sessions)
        let live = try measureLive(packets: packets, receivers: liveReceivers, seconds: seconds / 5, rounds: 5)
        result.liveReceivers = liveReceivers
        result.liveUs = live
        return result
    }

    /// The clip's payloads as RTP packets with the same header the generator sends, with room for the SRTP tag.
    static func rtpPackets(video: VideoClip?, audio: AudioClip?) -> [[UInt8]] {
        var payloads: [[UInt8]] = video?.frames.flatMap(\.chunks) ?? []
        if payloads.isEmpty { payloads = audio?.packets ?? [[UInt8](repeating: 0x5A, count: 1100)] }
        return payloads.map { chunk in
            var packet = [UInt8](repeating: 0, count: 24 + 4 + chunk.count + Engine.trailer)
            packet.withUnsafeMutableBytes {
                _ = writeRTPHeader($0, marker: false, payloadType: 96, sequence: 0, timestamp: 0, ssrc: 0x1234_5678,
                                   mid: UInt8(ascii: "1"), transportSequence: 0)
            }
            packet.replaceSubrange(28..<28 + chunk.count, with: chunk)
            return packet
        }
    }

    /// Protect and send to one idle sink (drained between batches, outside the measurement).
    static func measureIdleSink(packets: [[UInt8]], seconds: Double, sessions: Int) throws -> FloorResult {
        // `sessions` > 1: one SRTP session per simulated subscriber, used round-robin (as a fan-out does).
        let contexts = try (0..<max(1, sessions)).map { _ in
            try SRTPContext(profile: .aeadAES128GCM, masterKeyAndSalt: (0..<28).map { _ in UInt8.random(in: 0...255) },
                            direction: .outbound)
        }
        var next = 0
        var context: SRTPContext { next = (next + 1) % contexts.count; return contexts[next] }
        let sink = cb_udp_bind_ipv4(0x7F00_0001, 0, 8 << 20, 0)
        let sender = cb_udp_bind_ipv4(0x7F00_0001, 0, 0, 4 << 20)
        guard sink >= 0, sender >= 0 else { throw LoadError("floor: cannot bind sockets") }
        defer { cbl_close(sink); cbl_close(sender) }
        let sinkPort = UInt16(cb_local_port(sink))
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 2048, alignment: 16)
        defer { buffer.deallocate() }
        let drainMemory = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 * 2048, alignment: 16)
        defer { drainMemory.deallocate() }
        var slots = datagramSlots(in: drainMemory, count: 64)
        func drain() { while slots.withUnsafeMutableBufferPointer({ cb_recv_batch(sink, $0.baseAddress, 64) }) > 0 {} }

        var sequence: UInt16 = 0
        var index = 0
        var bytes = 0
        @inline(__always) func prepare() -> Int {
            let packet = packets[index]
            index = (index + 1) % packets.count
            packet.withUnsafeBytes { buffer.copyMemory(from: $0) }
            buffer.put16(sequence, 2)
            sequence &+= 1
            return packet.count
        }
        // 1. protect only, 2. send only (pre-protected), 3. both, as the floor.
        let phase = seconds / 3
        var protectNs: UInt64 = 0, protectCount = 0
        let end1 = cbl_monotonic_ns() + UInt64(phase * 1e9)
        while cbl_monotonic_ns() < end1 {
            let t0 = cbl_thread_cpu_ns()
            for _ in 0..<64 { _ = try context.protectRTP(buffer, length: prepare()) }
            protectNs += cbl_thread_cpu_ns() - t0
            protectCount += 64
        }
        let protected = try context.protectRTP(buffer, length: prepare())
        var sendNs: UInt64 = 0, sendCount = 0
        let end2 = cbl_monotonic_ns() + UInt64(phase * 1e9)
        while cbl_monotonic_ns() < end2 {
            let t0 = cbl_thread_cpu_ns()
            for _ in 0..<64 { _ = cb_send_ipv4(sender, buffer.baseAddress, protected, 0x7F00_0001, sinkPort) }
            sendNs += cbl_thread_cpu_ns() - t0
            sendCount += 64
            drain()
        }
        var bothNs: UInt64 = 0, bothCount = 0
        let end3 = cbl_monotonic_ns() + UInt64(phase * 1e9)
        while cbl_monotonic_ns() < end3 {
            let t0 = cbl_thread_cpu_ns()
            for _ in 0..<64 {
                let length = try context.protectRTP(buffer, length: prepare())
                bytes += length
                _ = cb_send_ipv4(sender, buffer.baseAddress, length, 0x7F00_0001, sinkPort)
            }
            bothNs += cbl_thread_cpu_ns() - t0
            bothCount += 64
            drain()
        }
        return FloorResult(packets: bothCount, meanPacketBytes: Double(bytes) / Double(max(1, bothCount)),
                           protectUs: Double(protectNs) / 1000 / Double(max(1, protectCount)),
                           sendUs: Double(sendNs) / 1000 / Double(max(1, sendCount)),
                           protectAndSendUs: Double(bothNs) / 1000 / Double(max(1, bothCount)), liveReceivers: 0,
                           liveUs: .nan)
    }
}
