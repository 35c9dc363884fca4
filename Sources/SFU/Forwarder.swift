import RTP

/// What a down track does with one source packet. Decided from state alone, applied by the down track, so the
/// policy is tested without a network.
public enum ForwardDecision: Equatable, Sendable {
    case forward
    /// Drop, and ask the publisher for a key frame (a new or switched video stream cannot start mid-picture).
    case dropWaitingForKeyframe
}

/// Single-layer forwarding policy: audio always flows; video starts, and restarts after a source change, only on a
/// key frame. (Simulcast/SVC layer selection will be further Forwarder kinds beside this one.)
public struct Forwarder: Sendable {
    public let kind: MediaKind
    public private(set) var waitingForKeyframe: Bool

    public init(kind: MediaKind) {
        self.kind = kind
        self.waitingForKeyframe = kind == .video
    }

    /// The source changed (publisher restart): video waits for a key frame of the new one.
    public mutating func sourceChanged() {
        if kind == .video { waitingForKeyframe = true }
    }

    @inline(__always)
    public mutating func decide(payload: UnsafeRawBufferPointer) -> ForwardDecision {
        guard kind == .video else { return .forward }
        if waitingForKeyframe {
            guard let descriptor = VP8PayloadDescriptor(payload), descriptor.isKeyframeStart else {
                return .dropWaitingForKeyframe
            }
            waitingForKeyframe = false
        }
        return .forward
    }
}
