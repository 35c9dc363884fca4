import CLoadSupport
import CSocket
import SRTP

extension UnsafeRawBufferPointer {
    @inline(__always) func be32(_ offset: Int) -> UInt32 {
        UInt32(self[offset]) << 24 | UInt32(self[offset + 1]) << 16 | UInt32(self[offset + 2]) << 8 | UInt32(self[offset + 3])
    }
}

extension UnsafeMutableRawBufferPointer {
    @inline(__always) func put16(_ value: UInt16, _ offset: Int) {
        self[offset] = UInt8(value >> 8); self[offset + 1] = UInt8(truncatingIfNeeded: value)
    }
    @inline(__always) func put32(_ value: UInt32, _ offset: Int) {
        for i in 0..<4 { self[offset + i] = UInt8(truncatingIfNeeded: value >> (24 - 8 * UInt32(i))) }
    }
    @inline(__always) func put64(_ value: UInt64, _ offset: Int) {
        put32(UInt32(truncatingIfNeeded: value >> 32), offset); put32(UInt32(truncatingIfNeeded: value), offset + 4)
    }
}

/// RTP header (12 bytes) + one-byte-header extension block with mid and transport-wide sequence (12 bytes).
@inline(__always)
func writeRTPHeader(_ buffer: UnsafeMutableRawBufferPointer, marker: Bool, payloadType: UInt8, sequence: UInt16,
                    timestamp: UInt32, ssrc: UInt32, mid: UInt8, transportSequence: UInt16) -> Int {
    buffer[0] = 0x90  // V=2, X=1
    buffer[1] = (marker ? 0x80 : 0) | payloadType
    buffer.put16(sequence, 2)
    buffer.put32(timestamp, 4)
    buffer.put32(ssrc, 8)
    buffer[12] = 0xBE; buffer[13] = 0xDE
    buffer.put16(2, 14)                                  // two 32-bit words of elements
    buffer[16] = ExtensionID.mid << 4; buffer[17] = mid  // mid: one ASCII character ("0" or "1")
    buffer[18] = ExtensionID.transportCC << 4 | 1
    buffer.put16(transportSequence, 19)
    buffer[21] = 0; buffer[22] = 0; buffer[23] = 0       // padding
    return 24
}

extension Engine {
    /// Sends the next packet of the current clip frame and returns its size on the wire: VP8 payload descriptor
    /// with a 15-bit picture id (RFC 7741), S bit on the first packet, marker on the last, then the measurement
    /// trailer (counter, send time). After the last packet the frame is done (`pacingFrame` false).
    func sendVideoPacket(_ client: LoadClient, clip: VideoClip) -> Int {
        if client.videoChunk == 0 && client.keyframePending {
            client.keyframePending = false
            client.videoFrame = 0
        }
        let frame = clip.frames[client.videoFrame]
        let index = client.videoChunk
        let last = index == frame.chunks.count - 1
        var sent = 0
        if let outbound = client.outbound {
            let buffer = sendBufferPointer
            client.transportSeq &+= 1
            var offset = writeRTPHeader(buffer, marker: last, payloadType: PayloadType.vp8,
                                        sequence: client.videoSeq, timestamp: client.videoTimestamp,
                                        ssrc: client.plan.videoSSRC, mid: UInt8(ascii: "1"),
                                        transportSequence: client.transportSeq)
            buffer[offset] = index == 0 ? 0x90 : 0x80  // X, S (first packet), PID 0
            buffer[offset + 1] = 0x80                   // I: picture id present
            buffer.put16(0x8000 | client.videoPictureID, offset + 2)
            offset += 4
            let chunk = frame.chunks[index]
            chunk.withUnsafeBytes { buffer.baseAddress!.advanced(by: offset).copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
            offset += chunk.count
            sent = finish(client, outbound, length: offset, counter: client.videoCounter)
            client.videoCounter &+= 1
            client.videoSeq &+= 1
            window.sentVideo += 1
            client.windowSentVideo += 1
        }
        if last {
            client.videoChunk = 0
            client.pacingFrame = false
            client.videoPictureID = (client.videoPictureID + 1) & 0x7FFF
            client.videoTimestamp &+= UInt32(90_000 / clip.fps)
            client.videoFrame = (client.videoFrame + 1) % clip.frames.count
        } else {
            client.videoChunk += 1
        }
        return sent
    }

    func sendAudioPacket(_ client: LoadClient, clip: AudioClip, now: UInt64) {
        guard let outbound = client.outbound else { return }
        let packet = clip.packets[client.audioIndex]
        let buffer = sendBufferPointer
        client.transportSeq &+= 1
        var offset = writeRTPHeader(buffer, marker: false, payloadType: PayloadType.opus, sequence: client.audioSeq,
                                    timestamp: client.audioTimestamp, ssrc: client.plan.audioSSRC,
                                    mid: UInt8(ascii: "0"), transportSequence: client.transportSeq)
        packet.withUnsafeBytes { buffer.baseAddress!.advanced(by: offset).copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
        offset += packet.count
        _ = finish(client, outbound, length: offset, counter: client.audioCounter)
        client.audioCounter &+= 1
        client.audioSeq &+= 1
        client.audioTimestamp &+= UInt32(AudioClip.samplesPerFrame)
        client.audioIndex = (client.audioIndex + 1) % clip.packets.count
        window.sentAudio += 1
        client.windowSentAudio += 1
    }

    /// Appends the trailer with the send time taken now, protects (SRTP) and sends.
    private func finish(_ client: LoadClient, _ outbound: SRTPContext, length: Int, counter: UInt32) -> Int {
        let buffer = sendBufferPointer
        buffer.put32(counter, length)
        buffer.put64(cbl_monotonic_ns(), length + 4)
        let plain = length + Self.trailer
        guard let protected = try? outbound.protectRTP(buffer, length: plain) else { return plain }
        client.send(buffer.baseAddress!, length: protected)
        return protected
    }
}
