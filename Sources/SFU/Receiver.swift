import RTP
import RTCP

/// One published track: the source stream from a publisher, its retransmission buffer, receive statistics, and the
/// down tracks it fans out to. Lives on the room's media loop.
public final class Receiver {
    public let trackID: String
    public let kind: MediaKind
    public let codec: TrackCodec
    public let extensionIDs: HeaderExtensionIDs
    /// Current source SSRC; nil until signaled or learned from the first packet.
    public internal(set) var ssrc: UInt32?
    public internal(set) var rtxSSRC: UInt32?
    public unowned let publisher: PeerMedia
    public private(set) var downTracks: [DownTrack] = []

    let buffer: RetransmissionBuffer?
    var statistics = ReceiveStatistics()
    /// Middle 32 bits of the publisher's last SR NTP time and when it arrived (for RR's LSR/DLSR), plus the
    /// NTP/RTP pair itself for mapping timestamps into our sender reports.
    var lastSenderReport: (middle: UInt32, rtpTimestamp: UInt32, arrival: Double)?
    private var lastKeyframeRequest = -Double.infinity
    private var keyframeWanted = false
    private var missing: [UInt16: (firstSeen: Double, lastNack: Double, tries: Int)] = [:]
    /// When `pendingFeedback` next has work: a NACK to send or retry, or a key-frame request past its throttle.
    /// Infinity while there is none. The Router reads it after each packet and request, and ticks no earlier.
    private(set) var nextFeedback = Double.infinity
    public private(set) var packetsReceived = 0

    static let keyframeRequestInterval = 0.5
    static let nackRetryInterval = 0.05

    init(trackID: String, kind: MediaKind, codec: TrackCodec, extensionIDs: HeaderExtensionIDs,
         ssrc: UInt32?, rtxSSRC: UInt32?, publisher: PeerMedia) {
        self.trackID = trackID
        self.kind = kind
        self.codec = codec
        self.extensionIDs = extensionIDs
        self.ssrc = ssrc
        self.rtxSSRC = rtxSSRC
        self.publisher = publisher
        self.buffer = kind == .video ? RetransmissionBuffer() : nil
    }

    /// A new source SSRC (publisher restart or renegotiation): its numbering and clock start afresh.
    func sourceChanged(to ssrc: UInt32) {
        self.ssrc = ssrc
        statistics = ReceiveStatistics()
        lastSenderReport = nil
        missing.removeAll()
    }

    func attach(_ downTrack: DownTrack) {
        downTracks.append(downTrack)
        if kind == .video && downTrack.subscriber.sinkConnected { requestKeyframe() }
    }

    func detach(_ downTrack: DownTrack) {
        downTracks.removeAll { $0 === downTrack }
    }

    /// Asks the publisher for a key frame soon (throttled per publisher track). Internal: the Router must see
    /// `nextFeedback` move, so requests go through it.
    func requestKeyframe() {
        keyframeWanted = true
        nextFeedback = min(nextFeedback, lastKeyframeRequest + Self.keyframeRequestInterval)
    }

    /// A down track that waited started on a key frame: it answers every request made before it (a second PLI
    /// would only cost the publisher's uplink another key frame).
    func keyframeStarted() {
        keyframeWanted = false
    }

    @inline(__always)
    func handleRTP(_ view: RTPView, now: Double, scratch: UnsafeMutableRawBufferPointer) {
        packetsReceived += 1
        let sequence = view.sequenceNumber
        let gap = statistics.record(sequence: sequence, timestamp: view.timestamp, clockRate: codec.clockRate,
                                    arrival: now)
        if codec.nack {
            if gap > 0 && gap < 64 {
                for i in 1...gap { missing[sequence &- UInt16(i)] = (now, -Double.infinity, 0) }
                nextFeedback = min(nextFeedback, now)
            } else if !missing.isEmpty {
                missing[sequence] = nil
            }
        }
        buffer?.store(view.bytes, sequence: sequence)
        for downTrack in downTracks {
            downTrack.forward(view, from: self, now: now, scratch: scratch)
        }
    }

    /// A retransmission (RFC 4588) on the RTX stream: restore the original packet in place and handle it.
    func handleRTX(_ packet: UnsafeMutableRawBufferPointer, view: RTPView, now: Double,
                   scratch: UnsafeMutableRawBufferPointer) {
        guard let ssrc, view.payloadRange.count > 2 else { return }  // padding-only probes carry no payload
        let payloadStart = view.payloadRange.lowerBound
        let originalSequence = UInt16(packet[payloadStart]) << 8 | UInt16(packet[payloadStart + 1])
        // Rebuild: header (with original PT, seq, SSRC) then the payload without the 2-byte OSN.
        let headerLength = view.headerLength
        let payloadLength = view.payloadRange.count - 2
        guard headerLength + payloadLength <= scratch.count else { return }
        let restored = UnsafeMutableRawBufferPointer(rebasing: packet[0..<(headerLength + payloadLength)])
        // Move the payload two bytes left over the OSN; padding is dropped (P bit cleared).
        if payloadLength > 0 {
            (packet.baseAddress! + headerLength).copyMemory(from: packet.baseAddress! + payloadStart + 2,
                                                           byteCount: payloadLength)
        }
        restored[0] &= ~0x20
        restored[1] = (restored[1] & 0x80) | (codec.payloadType & 0x7F)
        restored.storeBytes(of: originalSequence.bigEndian, toByteOffset: 2, as: UInt16.self)
        restored.storeBytes(of: ssrc.bigEndian, toByteOffset: 8, as: UInt32.self)
        missing[originalSequence] = nil
        guard let restoredView = RTPView(UnsafeRawBufferPointer(restored)) else { return }
        if buffer?.packet(originalSequence) != nil { return }  // already have it
        buffer?.store(restoredView.bytes, sequence: originalSequence)
        for downTrack in downTracks { downTrack.forward(restoredView, from: self, now: now, scratch: scratch) }
    }

    func handleSenderReport(_ report: SenderReport, now: Double) {
        lastSenderReport = (NTPTime.middle32(report.ntpTimestamp), report.rtpTimestamp, now)
    }

    /// Builds this stream's reception report block (nil before the first packet).
    func receptionReport(now: Double) -> ReceptionReport? {
        guard let ssrc, statistics.hasReceived else { return nil }
        var lsr: UInt32 = 0
        var dlsr: UInt32 = 0
        if let sr = lastSenderReport {
            lsr = sr.middle
            dlsr = UInt32(max(0, (now - sr.arrival) * 65536))
        }
        return statistics.report(ssrc: ssrc, lastSenderReport: lsr, delaySinceLastSenderReport: dlsr)
    }

    /// Feedback to send upstream now: a throttled key-frame request and NACKs for missing packets.
    func pendingFeedback(senderSSRC: UInt32, now: Double) -> [RTCPPacket] {
        guard let ssrc else { return [] }
        var packets: [RTCPPacket] = []
        if keyframeWanted && now - lastKeyframeRequest >= Self.keyframeRequestInterval {
            keyframeWanted = false
            lastKeyframeRequest = now
            packets.append(.pictureLossIndication(PictureLossIndication(senderSSRC: senderSSRC, mediaSSRC: ssrc)))
        }
        var next = keyframeWanted ? lastKeyframeRequest + Self.keyframeRequestInterval : .infinity
        defer { nextFeedback = next }
        if !missing.isEmpty {
            var lost: [UInt16] = []
            for (sequence, entry) in missing {
                if now - entry.firstSeen > 1.0 || entry.tries >= 3 {
                    missing[sequence] = nil
                } else if now - entry.lastNack >= Self.nackRetryInterval {
                    lost.append(sequence)
                    missing[sequence] = (entry.firstSeen, now, entry.tries + 1)
                    next = min(next, now + Self.nackRetryInterval)
                } else {
                    next = min(next, entry.lastNack + Self.nackRetryInterval)
                }
            }
            if !lost.isEmpty {
                lost.sort { RTPSequence.isNewer($1, than: $0) }
                packets.append(.genericNACK(GenericNACK(senderSSRC: senderSSRC, mediaSSRC: ssrc, lost: lost)))
            }
        }
        return packets
    }
}
