public import SFU
public import WebRTC
import Logging

// The transport is the SFU's sink: DownTracks hand it finished RTP, it protects and sends.
extension PeerTransport: PacketSink {}

/// One person or classroom site in a lesson: its transport, its SFU media state and what it publishes and
/// receives, keyed by the mids of its own SDP. Confined to the media loop.
final class Participant: PeerTransportDelegate {
    let id: String
    let identity: String
    let name: String
    let role: Role
    unowned let lesson: Lesson
    var transport: PeerTransport?
    var media: PeerMedia?
    /// Published tracks by the publisher's mid.
    var published: [String: (receiver: Receiver, info: TrackInfo)] = [:]
    /// Subscriptions by the subscriber's mid.
    var subscriptions: [String: (downTrack: DownTrack, trackID: String)] = [:]
    /// SSRCs announced per (mid, track) so a renegotiation keeps each forwarded stream's SSRC.
    var announcedSSRCs: [String: (trackID: String, ssrc: UInt32, rtx: UInt32)] = [:]
    /// Where events for this participant's signaling connection go; nil once the socket closed.
    var events: (@Sendable (ClassroomEvent) -> Void)?
    var sessionVersion: UInt64 = 0
    let sessionID = UInt64.random(in: 1...UInt64(Int64.max))
    var removed = false

    init(id: String, identity: String, name: String, role: Role, lesson: Lesson,
         events: @escaping @Sendable (ClassroomEvent) -> Void) {
        self.id = id
        self.identity = identity
        self.name = name
        self.role = role
        self.lesson = lesson
        self.events = events
    }

    var info: ParticipantInfo {
        ParticipantInfo(id: id, name: name, role: role,
                        tracks: published.values.map(\.info).sorted { $0.id < $1.id })
    }

    func send(_ event: ClassroomEvent) { events?(event) }

    // MARK: PeerTransportDelegate

    func transportDidConnect(_ transport: PeerTransport) {
        lesson.logger.info("transport connected", metadata: [
            "participant": "\(id)", "remote": "\(transport.remoteAddress.map(\.description) ?? "-")"])
        send(.transportState(state: "connected", reason: nil))
        // Subscriptions answered before DTLS completed start now, on a key frame asked for now: one forwarded before
        // would have been dropped, and the site's decoder left to wait for its own PLI, throttled.
        if let media { lesson.router.sinkConnected(media) }
    }

    func transport(_ transport: PeerTransport, didFail reason: String) {
        lesson.logger.warning("transport failed", metadata: ["participant": "\(id)", "reason": "\(reason)"])
        send(.transportState(state: "failed", reason: reason))
    }

    func transport(_ transport: PeerTransport, didClose reason: TransportCloseReason) {
        guard !removed else { return }
        send(.transportState(state: "closed", reason: reason.rawValue))
        switch reason {
        case .consentExpired: lesson.remove(self, reason: .timeout)
        case .remoteClosed: lesson.remove(self, reason: .disconnected)  // close_notify: the peer closed on purpose
        case .local: break
        }
    }

    @inline(__always)
    func transport(_ transport: PeerTransport, didReceiveRTP packet: UnsafeMutableRawBufferPointer, now: Double) {
        guard let media else { return }
        lesson.router.handleRTP(from: media, packet: packet, now: now, arrivalMicros: Int64(now * 1_000_000))
    }

    func transport(_ transport: PeerTransport, didReceiveRTCP packet: UnsafeMutableRawBufferPointer, now: Double) {
        guard let media else { return }
        lesson.router.handleRTCP(from: media, packet: packet, now: now)
    }
}
