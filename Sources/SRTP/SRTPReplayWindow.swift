/// RTP packet index estimation and replay protection for one SSRC, as libsrtp's `srtp_rdbx_t` does them
/// (RFC 3711 §3.3.1 and Appendix A; libsrtp `rdbx.c`), so the OpenSSL engine and libsrtp agree on every ROC guess.
///
/// The 48-bit index is ROC << 16 | SEQ. `highest` starts at 0 (ROC 0); a window of `size` indices ending at
/// `highest` remembers which were accepted, in a ring of bits (bit `index % size`).
struct SRTPIndexTracker {
    static let size = 1024
    private static let words = size / 64

    /// The highest index accepted (inbound) or protected (outbound).
    private(set) var highest: UInt64 = 0
    private var seen: [UInt64]

    /// `tracksReplays: false` (outbound) keeps no bitmap: only the ROC estimate is needed.
    init(tracksReplays: Bool) {
        seen = tracksReplays ? [UInt64](repeating: 0, count: Self.words) : []
    }

    /// libsrtp `srtp_rdbx_estimate_index` + `srtp_index_guess`: the index for `sequence`, and its distance from
    /// `highest` (positive: newer).
    func estimate(sequence: UInt16) -> (index: UInt64, delta: Int64) {
        let median: Int64 = 1 << 15, max: Int64 = 1 << 16
        let s = Int64(sequence)
        guard highest > UInt64(median) else {
            // Until the index passes 2^15, ROC is taken as 0 (an early guess of ROC −1 would be wrong).
            return (UInt64(sequence), s - Int64(highest))
        }
        let localROC = Int64(highest >> 16), localSeq = Int64(highest & 0xffff)
        var roc = localROC, delta = s - localSeq
        if localSeq < median {
            if s - localSeq > median { roc = localROC - 1; delta = s - localSeq - max }
        } else if localSeq - median > s {
            roc = localROC + 1; delta = s - localSeq + max
        }
        // roc ≥ 0 here: localSeq < median with highest > 2^15 means localROC ≥ 1.
        return ((UInt64(UInt32(truncatingIfNeeded: roc)) << 16) | UInt64(sequence), delta)
    }

    /// nil if `index` (at `delta` from `highest`) may be accepted, else the libsrtp status code: replay_fail for an
    /// index seen already, replay_old for one older than the window.
    func check(index: UInt64, delta: Int64) -> Int32? {
        if delta > 0 { return nil }
        if delta <= -Int64(Self.size) { return SRTPError.replayTooOldCode }
        let bit = Int(index % UInt64(Self.size))
        return seen[bit >> 6] & (1 << UInt64(bit & 63)) != 0 ? SRTPError.replayFailureCode : nil
    }

    /// Records `index` as accepted (inbound, after authentication) or protected (outbound: only moves `highest`).
    mutating func add(index: UInt64, delta: Int64) {
        if delta > 0 {
            if !seen.isEmpty {
                if delta >= Int64(Self.size) {
                    for word in 0..<Self.words { seen[word] = 0 }
                } else {
                    var cleared = highest &+ 1
                    while cleared <= index {  // forget the indices the window slides over
                        let bit = Int(cleared % UInt64(Self.size))
                        seen[bit >> 6] &= ~(1 << UInt64(bit & 63))
                        cleared &+= 1
                    }
                }
            }
            highest = index
        }
        if !seen.isEmpty {
            let bit = Int(index % UInt64(Self.size))
            seen[bit >> 6] |= 1 << UInt64(bit & 63)
        }
    }
}

/// SRTCP replay protection for one SSRC: the 31-bit index travels in the packet, so only a window is needed.
struct SRTCPReplayWindow {
    private var tracker = SRTPIndexTracker(tracksReplays: true)

    /// nil if `index` may be accepted, else the libsrtp status code.
    func check(_ index: UInt32) -> Int32? {
        tracker.check(index: UInt64(index), delta: Int64(index) - Int64(tracker.highest))
    }

    mutating func add(_ index: UInt32) {
        tracker.add(index: UInt64(index), delta: Int64(index) - Int64(tracker.highest))
    }
}
