import STUN
import Synchronization
import WebRTC

/// A media loop's handler for the loop's own tests: records each datagram and tick with the `now` the loop handed
/// it, and says it is idle when told to.
final class RecordingHandler: DatagramHandler, @unchecked Sendable {
    enum Event { case datagram(Double), tick(Double) }
    let events = Mutex<[Event]>([])
    let idle: Bool

    init(idle: Bool = false) { self.idle = idle }

    func handleDatagram(_ bytes: UnsafeMutableRawBufferPointer, from source: TransportAddress, now: Double) {
        events.withLock { $0.append(.datagram(now)) }
    }
    func tick(now: Double) { events.withLock { $0.append(.tick(now)) } }
    var isIdle: Bool { idle }

    var tickCount: Int { events.withLock { $0.count { if case .tick = $0 { true } else { false } } } }
}
