import Classroom
import Foundation

/// Room events go to every member of the room, and equal events encode to equal text, so each is JSON-encoded
/// once: the first outbox reader that needs it encodes it, the others find the text here. Without it a room's
/// joins cost O(N²) encodings (each join encoded once per member), which dominated large lectures' signaling.
/// Keyed by value, so it needs no identity from the room; the oldest entries go first.
final class EventTextCache: @unchecked Sendable {
    static let shared = EventTextCache(capacity: 256)

    private let lock = NSLock()
    private let capacity: Int
    private var texts: [ClassroomEvent: String] = [:]
    private var order: [ClassroomEvent] = []  // insertion order, a ring of `capacity`
    private var next = 0
    /// Encodings done (tests).
    private(set) var encodings = 0

    init(capacity: Int) { self.capacity = capacity }

    /// The event's text frame; nil for events that are not sent (`removed`).
    func text(for event: ClassroomEvent) -> String? {
        if let text = lock.withLock({ texts[event] }) { return text }
        // Encoded outside the lock: two readers may both encode a new event, and both get the same text.
        guard let text = ServerMessage.event(event).map(ServerMessage.encode) else { return nil }
        lock.withLock {
            encodings += 1
            guard texts.updateValue(text, forKey: event) == nil else { return }
            if order.count < capacity {
                order.append(event)
            } else {
                texts[order[next]] = nil
                order[next] = event
                next = (next + 1) % capacity
            }
        }
        return text
    }
}
