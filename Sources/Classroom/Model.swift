/// Roles carried in access tokens (PROTOCOL.md §3).
public enum Role: String, Sendable, Codable, CaseIterable {
    case teacher, site, expert, observer

    public var mayPublish: Bool { self != .observer }
    /// Observers watch invisibly: never in participant lists, never announced.
    public var isVisible: Bool { self != .observer }
}

public struct TrackInfo: Sendable, Hashable {
    public var id: String
    public var kind: String
    public var source: String
}

public struct ParticipantInfo: Sendable, Hashable {
    public var id: String
    public var name: String
    public var role: Role
    public var tracks: [TrackInfo]
}

/// What the client asked for one of its sending m-lines.
public struct PublishRequest: Sendable {
    public var mid: String
    public var source: String
    public init(mid: String, source: String) { self.mid = mid; self.source = source }
}

/// What the client asked for one of its receiving m-lines.
public struct SubscribeRequest: Sendable {
    public var mid: String
    public var trackID: String
    public init(mid: String, trackID: String) { self.mid = mid; self.trackID = trackID }
}

public struct SubscriptionResult: Sendable, Equatable {
    public var mid: String
    public var trackID: String
    public var participantID: String?
    /// `active` or `unavailable`.
    public var state: String
}

public struct PublishedTrackResult: Sendable, Equatable {
    public var mid: String
    public var track: TrackInfo
}

public struct JoinResult: Sendable {
    public var room: String
    public var participant: ParticipantInfo
    public var others: [ParticipantInfo]
}

public struct OfferResult: Sendable {
    public var sdp: String
    public var subscriptions: [SubscriptionResult]
    public var tracks: [PublishedTrackResult]
    /// Non-fatal problems (e.g. an observer's sending m-line answered inactive), sent as `error` messages.
    public var warnings: [ClassroomError]
}

/// A request the classroom refused, with a PROTOCOL.md error code.
public struct ClassroomError: Error, Sendable, Equatable, CustomStringConvertible {
    public var code: String
    public var message: String
    public init(_ code: String, _ message: String) { self.code = code; self.message = message }
    public var description: String { "\(code): \(message)" }
}

public enum LeaveReason: String, Sendable {
    case left, disconnected, timeout
}

/// Events for one participant's signaling connection, in order.
public enum ClassroomEvent: Sendable, Hashable {
    case participantJoined(ParticipantInfo)
    case participantLeft(participantID: String, reason: LeaveReason)
    case trackPublished(participantID: String, track: TrackInfo)
    case trackUnpublished(participantID: String, trackID: String)
    case transportState(state: String, reason: String?)
    /// The server ended this participant (consent timeout, replaced by a new join of the same identity).
    case removed(reason: LeaveReason)
}

enum Identifiers {
    private static let alphabet = Array("abcdefghijkmnopqrstuvwxyz23456789")
    static func make(_ prefix: String) -> String {
        var generator = SystemRandomNumberGenerator()
        return prefix + "-" + String((0..<8).map { _ in alphabet.randomElement(using: &generator)! })
    }
}
