import RTCP

/// Records arrival times of a publisher's transport-wide sequence numbers and turns them into transport-cc
/// feedback (draft-holmer-rmcat-transport-wide-cc-extensions-01), so the publisher's send-side bandwidth estimator
/// works through the SFU. Storage (8 KB) is allocated once, at the first recorded packet: most peers never
/// publish, and a lecture has hundreds of them. Feedback is built every ~100 ms, so `capacity` packets between
/// two feedbacks are ten intervals of a 10 Mbit/s publisher; later ones are left out of the feedback.
struct TransportFeedbackRecorder {
    private var arrivals: [Int64] = []     // µs, indexed by unwrapped sequence modulo capacity; -1 = not received
    static let capacity = 1024
    private var lowest: Int64?             // first unwrapped sequence not yet reported
    private var highest: Int64 = -1
    private var lastUnwrapped: Int64 = -1
    private var feedbackCount: UInt8 = 0

    mutating func record(sequence: UInt16, arrivalMicros: Int64) {
        if arrivals.isEmpty { arrivals = Array(repeating: -1, count: Self.capacity) }
        let unwrapped: Int64
        if lastUnwrapped < 0 {
            unwrapped = Int64(sequence)
        } else {
            let delta = Int64(Int16(bitPattern: sequence &- UInt16(truncatingIfNeeded: lastUnwrapped)))
            unwrapped = lastUnwrapped + delta
        }
        if unwrapped > lastUnwrapped { lastUnwrapped = unwrapped }
        if lowest == nil { lowest = unwrapped }
        guard let lowest, unwrapped >= lowest, unwrapped - lowest < Int64(Self.capacity) else { return }
        arrivals[Int(unwrapped % Int64(Self.capacity))] = arrivalMicros
        if unwrapped > highest { highest = unwrapped }
    }

    /// Feedback for everything recorded since the last call, or nil if nothing arrived.
    mutating func makeFeedback(senderSSRC: UInt32, mediaSSRC: UInt32) -> TransportWideFeedback? {
        guard let start = lowest, highest >= start else { return nil }
        var list: [(sequenceNumber: UInt16, arrivalMicros: Int64?)] = []
        list.reserveCapacity(Int(highest - start + 1))
        for sequence in start...highest {
            let slot = Int(sequence % Int64(Self.capacity))
            let arrival = arrivals[slot]
            list.append((UInt16(truncatingIfNeeded: sequence), arrival >= 0 ? arrival : nil))
            arrivals[slot] = -1
        }
        lowest = highest + 1
        let feedback = TransportWideFeedback.build(senderSSRC: senderSSRC, mediaSSRC: mediaSSRC,
                                                   feedbackPacketCount: feedbackCount, arrivals: list)
        feedbackCount &+= 1
        return feedback
    }
}
