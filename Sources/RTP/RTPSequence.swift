/// Serial-number arithmetic on 16-bit RTP sequence numbers (RFC 1982, RFC 3550 §A.1).
public enum RTPSequence {
    /// True if `a` comes after `b` modulo 2^16. Exactly half the space apart (0x8000) is broken by
    /// the larger value being newer, as libwebrtc does, so that the relation is antisymmetric.
    @inlinable
    public static func isNewer(_ a: UInt16, than b: UInt16) -> Bool {
        let diff = a &- b
        if diff == 0x8000 { return a > b }
        return diff != 0 && diff < 0x8000
    }

    /// The signed shortest distance from `from` to `to`: positive when `to` is newer.
    @inlinable
    public static func distance(from: UInt16, to: UInt16) -> Int16 {
        Int16(bitPattern: to &- from)
    }
}
