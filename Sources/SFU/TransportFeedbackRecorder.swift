import RTCP

/// Records arrival times of a publisher's transport-wide sequence numbers and writes them as transport-cc
/// feedback (draft-holmer-rmcat-transport-wide-cc-extensions-01), so the publisher's send-side bandwidth estimator
/// works through the SFU. Storage (9 KB) is allocated once, at the first recorded packet: most peers never
/// publish, and a lecture has hundreds of them. Feedback is written every ~100 ms, so `capacity` packets between
/// two feedbacks are ten intervals of a 10 Mbit/s publisher; later ones are left out of the feedback.
/// A class, so that the forwarding path writes its storage without copy-on-write checks.
final class TransportFeedbackRecorder {
    /// µs, by unwrapped sequence number minus `lowest` (the next feedback's first packet is at 0); -1 = not received.
    private var arrivals: UnsafeMutablePointer<Int64>?
    /// Workspace for the feedback writer, one byte per packet.
    private var symbols: UnsafeMutablePointer<UInt8>?
    static let capacity = 1024
    private var lowest: Int64?             // first unwrapped sequence not yet reported
    private var highest: Int64 = -1
    private var lastUnwrapped: Int64 = -1
    private var feedbackCount: UInt8 = 0

    deinit {
        arrivals?.deallocate()
        symbols?.deallocate()
    }

    @inline(__always)
    func record(sequence: UInt16, arrivalMicros: Int64) {
        let unwrapped: Int64
        if lastUnwrapped < 0 {
            unwrapped = Int64(sequence)
        } else {
            let delta = Int64(Int16(bitPattern: sequence &- UInt16(truncatingIfNeeded: lastUnwrapped)))
            unwrapped = lastUnwrapped + delta
        }
        if unwrapped > lastUnwrapped { lastUnwrapped = unwrapped }
        let lowest = self.lowest ?? unwrapped
        guard unwrapped >= lowest, unwrapped - lowest < Int64(Self.capacity) else { return }
        if self.lowest == nil { start(at: unwrapped) }
        arrivals.unsafelyUnwrapped[Int(unwrapped - lowest)] = arrivalMicros
        if unwrapped > highest { highest = unwrapped }
    }

    private func start(at unwrapped: Int64) {
        lowest = unwrapped
        let arrivals = UnsafeMutablePointer<Int64>.allocate(capacity: Self.capacity)
        arrivals.initialize(repeating: -1, count: Self.capacity)
        self.arrivals = arrivals
        symbols = .allocate(capacity: Self.capacity)
    }

    /// Writes feedback for what was recorded since the last feedback into `out` and returns its length; nil if
    /// nothing arrived. If it all does not fit, the oldest packets that do go now and the rest in the next one.
    func writeFeedback(senderSSRC: UInt32, mediaSSRC: UInt32, into out: UnsafeMutableRawBufferPointer) -> Int? {
        guard let start = lowest, highest >= start, let arrivals, let symbols else { return nil }
        let pending = Int(highest - start + 1)
        var count = pending
        while count > 0 {
            if let length = TransportWideFeedback.write(
                senderSSRC: senderSSRC, mediaSSRC: mediaSSRC, baseSequenceNumber: UInt16(truncatingIfNeeded: start),
                feedbackPacketCount: feedbackCount, arrivalsMicros: UnsafeBufferPointer(start: arrivals, count: count),
                symbols: UnsafeMutableBufferPointer(start: symbols, count: count), into: out) {
                // The next feedback's first packet moves to 0.
                let left = pending - count
                if left > 0 { UnsafeMutableRawPointer(arrivals).copyMemory(from: arrivals + count, byteCount: left * 8) }
                (arrivals + left).update(repeating: -1, count: pending - left)
                lowest = start + Int64(count)
                feedbackCount &+= 1
                return length
            }
            count /= 2
        }
        return nil
    }
}
