import RTP
import RTCP

/// The SFU's view of one participant: the tracks it publishes (receivers), the tracks it receives (down tracks),
/// and the RTCP state of its transport. Lives on the room's media loop.
public final class PeerMedia {
    public let id: String
    /// Strong: the transport has no reference back, and a weak load on every forwarded packet costs a side-table
    /// refcount round trip. The router drops the peer (and with it the sink) when the participant leaves.
    public let sink: any PacketSink
    /// Whether the sink can send yet (its transport connected). Until then video down tracks wait and ask for no key
    /// frame: one started on before would be dropped by the transport, and the subscriber's decoder would wait for
    /// the next.
    public internal(set) var sinkConnected: Bool
    /// SSRC used as the sender of RTCP we originate towards this peer.
    public let rtcpSSRC = UInt32.random(in: 1...UInt32.max)

    public internal(set) var receivers: [Receiver] = []
    let receiversBySSRC = SSRCTable<Receiver>()
    let receiversByRTXSSRC = SSRCTable<Receiver>()
    var receiversByMid: [String: Receiver] = [:]
    public internal(set) var downTracks: [DownTrack] = []
    let downTracksBySSRC = SSRCTable<DownTrack>()

    /// Header extension ids of this peer's transport as a publisher (mid, transport-cc).
    public var publisherExtensionIDs = HeaderExtensionIDs()
    let feedbackRecorder = TransportFeedbackRecorder()
    /// When the Router next sends this peer RTCP reports and transport-cc feedback (its first tick: at once).
    var nextReport = 0.0
    var nextTransportFeedback = 0.0
    private var transportSequence = UInt16.random(in: 0...0x7FFF)
    public private(set) var malformedPackets = 0
    public private(set) var unknownSSRCPackets = 0

    /// Room left after an outgoing packet for the SRTP auth tag (16 bytes at most without MKI).
    public static let trailerRoom = 32

    init(id: String, sink: any PacketSink, sinkConnected: Bool) {
        self.id = id
        self.sink = sink
        self.sinkConnected = sinkConnected
    }

    @inline(__always)
    func nextTransportSequence() -> UInt16 {
        transportSequence &+= 1
        return transportSequence
    }

    func countMalformed() { malformedPackets += 1 }

    /// Finds the receiver of an inbound packet; learns a new SSRC from the mid header extension (publisher restart).
    @inline(__always)
    func receiver(for view: RTPView) -> (Receiver, isRTX: Bool)? {
        let ssrc = view.ssrc
        if let receiver = receiversBySSRC[ssrc] { return (receiver, false) }
        if let receiver = receiversByRTXSSRC[ssrc] { return (receiver, true) }
        guard publisherExtensionIDs.mid != 0, let range = view.extensionElement(id: publisherExtensionIDs.mid),
              let mid = String(validating: view.bytes[range], as: UTF8.self),
              let receiver = receiversByMid[mid] else {
            unknownSSRCPackets += 1
            return nil
        }
        if let rtxPayloadType = receiver.codec.rtxPayloadType, view.payloadType == rtxPayloadType {
            if let old = receiver.rtxSSRC { receiversByRTXSSRC[old] = nil }
            receiver.rtxSSRC = ssrc
            receiversByRTXSSRC[ssrc] = receiver
            return (receiver, true)
        }
        if let old = receiver.ssrc { receiversBySSRC[old] = nil }
        receiver.sourceChanged(to: ssrc)
        receiversBySSRC[ssrc] = receiver
        return (receiver, false)
    }
}
