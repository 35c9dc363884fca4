import RTP
public import RTCP

/// One subscriber's copy of one published track. Rewrites SSRC, payload type, sequence numbers, timestamps and
/// header extensions into the subscriber's negotiated values and hands the packet to the subscriber's sink.
/// Lives on the room's media loop; the forwarding path allocates nothing.
public final class DownTrack {
    public let subscriptionID: String
    public let kind: MediaKind
    public let ssrc: UInt32
    public let rtxSSRC: UInt32?
    public let codec: TrackCodec
    public let extensionIDs: HeaderExtensionIDs
    /// The subscriber-side mid, written into the mid header extension so the subscriber routes by it.
    private let midBytes: [UInt8]
    /// The source while subscribed; nil once ended. Strong, like `subscriber`: the Router ends every down track it
    /// removes (`Router.unsubscribe`), which breaks the cycles, and weak/unowned loads cost a runtime call per packet.
    public private(set) var receiver: Receiver?
    let subscriber: PeerMedia
    private let sink: any PacketSink

    private var munger = RTPMunger()
    private var forwarder: Forwarder
    private var rtxSequence = UInt16.random(in: 0...0x7FFF)
    public private(set) var packetsSent: UInt32 = 0
    public private(set) var octetsSent: UInt32 = 0
    public private(set) var packetsDropped = 0
    public private(set) var retransmitted = 0
    /// Receiver reports from the subscriber (for stats and, later, bandwidth allocation).
    public private(set) var lastReceptionReport: ReceptionReport?

    public var waitingForKeyframe: Bool { forwarder.waitingForKeyframe }

    init(subscriptionID: String, receiver: Receiver, subscriber: PeerMedia, ssrc: UInt32, rtxSSRC: UInt32?,
         codec: TrackCodec, extensionIDs: HeaderExtensionIDs, mid: String) {
        self.subscriptionID = subscriptionID
        self.kind = receiver.kind
        self.receiver = receiver
        self.subscriber = subscriber
        self.sink = subscriber.sink
        self.ssrc = ssrc
        self.rtxSSRC = codec.rtxPayloadType == nil ? nil : rtxSSRC
        self.codec = codec
        self.extensionIDs = extensionIDs
        self.midBytes = Array(mid.utf8)
        self.forwarder = Forwarder(kind: receiver.kind)
    }

    /// Forwards one packet of `receiver` (this track's source, passed in so the hot path loads no reference).
    @inline(__always)
    func forward(_ packet: RTPView, from receiver: Receiver, now: Double, scratch: UnsafeMutableRawBufferPointer) {
        if munger.isNewSource(packet.ssrc) { forwarder.sourceChanged() }
        if forwarder.waitingForKeyframe && !start(on: packet, from: receiver) { return }
        let mapped = munger.map(ssrc: packet.ssrc, sequence: packet.sequenceNumber, timestamp: packet.timestamp,
                                clockRate: receiver.codec.clockRate, now: now)
        let out = sink.sendBuffer(orElse: scratch)
        let length = write(packet, from: receiver, sequence: mapped.sequence, timestamp: mapped.timestamp,
                           payloadType: codec.payloadType, ssrc: ssrc, prefix: nil, now: now, into: out)
        guard length > 0 else { packetsDropped += 1; return }
        packetsSent &+= 1
        octetsSent &+= UInt32(truncatingIfNeeded: packet.payloadRange.count)
        sink.sendRTP(out, length: length)
    }

    /// Whether the video, waiting, starts on `packet`; if it does, that key frame answers the receiver's requests.
    /// Here, not in `Receiver.handleRTP`: any access to the receiver's request state there stopped the compiler
    /// inlining `forward` into it (134 instructions per packet more on the cold-path probe). Out of line: it runs
    /// only while waiting.
    @inline(never)
    private func start(on packet: RTPView, from receiver: Receiver) -> Bool {
        guard subscriber.sinkConnected else {
            packetsDropped += 1  // nothing to start on yet: `Router.sinkConnected` asks for the key frame
            return false
        }
        let payload = UnsafeRawBufferPointer(rebasing: packet.bytes[packet.payloadRange])
        guard forwarder.decide(payload: payload) == .forward else {
            packetsDropped += 1
            receiver.requestKeyframe()
            return false
        }
        receiver.keyframeStarted()
        return true
    }

    /// Unsubscribed: no source any more.
    func end() { receiver = nil }

    /// Serves a NACK from the subscriber out of the publisher's retransmission buffer.
    func retransmit(_ lost: [UInt16], now: Double, scratch: UnsafeMutableRawBufferPointer) {
        guard let receiver, let buffer = receiver.buffer else { return }
        for outgoing in lost.prefix(64) {
            guard let sourceSequence = munger.sourceSequence(of: outgoing),
                  let stored = buffer.packet(sourceSequence), let packet = RTPView(stored) else { continue }
            let timestamp = munger.outgoingTimestamp(packet.timestamp)
            let out = sink.sendBuffer(orElse: scratch)
            let length: Int
            if let rtxPayloadType = codec.rtxPayloadType, let rtxSSRC {
                rtxSequence &+= 1
                length = write(packet, from: receiver, sequence: rtxSequence, timestamp: timestamp,
                               payloadType: rtxPayloadType, ssrc: rtxSSRC, prefix: outgoing, now: now, into: out)
            } else {
                length = write(packet, from: receiver, sequence: outgoing, timestamp: timestamp,
                               payloadType: codec.payloadType, ssrc: ssrc, prefix: nil, now: now, into: out)
            }
            guard length > 0 else { continue }
            retransmitted += 1
            sink.sendRTP(out, length: length)
        }
    }

    func handleReceptionReport(_ report: ReceptionReport) { lastReceptionReport = report }

    /// An RTCP sender report for this stream, or nil before anything was sent.
    func senderReport(now: Double, ntp: UInt64) -> SenderReport? {
        guard packetsSent > 0, let receiver else { return nil }
        let clockRate = Double(receiver.codec.clockRate)
        let rtpTimestamp: UInt32
        if let sr = receiver.lastSenderReport {
            // Keep the publisher's audio/video relation: map its SR timestamp forward to now.
            let elapsed = UInt32(truncatingIfNeeded: Int64((now - sr.arrival) * clockRate))
            rtpTimestamp = munger.outgoingTimestamp(sr.rtpTimestamp &+ elapsed)
        } else {
            let elapsed = UInt32(truncatingIfNeeded: Int64(max(0, now - munger.lastSendTime) * clockRate))
            rtpTimestamp = munger.lastTimestamp &+ elapsed
        }
        return SenderReport(ssrc: ssrc, ntpTimestamp: ntp, rtpTimestamp: rtpTimestamp, packetCount: packetsSent,
                            octetCount: octetsSent)
    }

    /// Writes the outgoing packet: fixed header, the subscriber's extensions, an optional RTX original sequence
    /// number, then the payload (with padding). Returns the length, or 0 if it does not fit.
    @inline(__always)
    private func write(_ packet: RTPView, from receiver: Receiver, sequence: UInt16, timestamp: UInt32,
                       payloadType: UInt8, ssrc: UInt32, prefix: UInt16?, now: Double,
                       into out: UnsafeMutableRawBufferPointer) -> Int {
        var extensions = RTPExtensionWriter(buffer: out, offset: 12)
        if extensionIDs.mid != 0 {
            midBytes.withUnsafeBytes { extensions.append(id: extensionIDs.mid, bytes: $0) }
        }
        if extensionIDs.audioLevel != 0, receiver.extensionIDs.audioLevel != 0,
           let range = packet.extensionElement(id: receiver.extensionIDs.audioLevel) {
            extensions.append(id: extensionIDs.audioLevel, bytes: UnsafeRawBufferPointer(rebasing: packet.bytes[range]))
        }
        if extensionIDs.absSendTime != 0 {
            // 6.18 fixed-point seconds, 24 bits: our send time, so the subscriber's delay estimate sees our pacing.
            extensions.append(id: extensionIDs.absSendTime, uint24: UInt32(truncatingIfNeeded: Int64(now * 262_144)) & 0xFF_FFFF)
        }
        if extensionIDs.transportCC != 0 {
            extensions.append(id: extensionIDs.transportCC, uint16: subscriber.nextTransportSequence())
        }
        let extensionLength = extensions.finish()
        let headerLength = 12 + extensionLength
        let payloadStart = packet.payloadRange.lowerBound
        // RTX carries the payload only (its own padding would need a P bit that means something else there).
        let payloadAndPadding = prefix == nil ? packet.bytes.count - payloadStart : packet.payloadRange.count
        let prefixLength = prefix == nil ? 0 : 2
        let total = headerLength + prefixLength + payloadAndPadding
        guard total + PeerMedia.trailerRoom <= out.count else { return 0 }
        RTPHeaderWriter.write(into: out, marker: packet.marker, payloadType: payloadType, sequenceNumber: sequence,
                              timestamp: timestamp, ssrc: ssrc, hasExtension: extensionLength > 0)
        var offset = headerLength
        if let prefix {
            out.storeBytes(of: prefix.bigEndian, toByteOffset: offset, as: UInt16.self)
            offset += 2
        }
        if payloadAndPadding > 0 {
            (out.baseAddress! + offset).copyMemory(from: packet.bytes.baseAddress! + payloadStart,
                                                   byteCount: payloadAndPadding)
        }
        // Padding is copied as is (its last byte holds its length), so keep the P bit for non-RTX packets.
        if packet.hasPadding && prefix == nil { out[0] |= 0x20 }
        return total
    }
}
