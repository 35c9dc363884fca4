public import RTCP

/// RFC 3550 §6.4 / A.1, A.3, A.8 receive statistics of one source, for receiver reports.
public struct ReceiveStatistics: Sendable {
    public private(set) var received: UInt64 = 0
    private var baseSequence: UInt32 = 0
    private var maxSequence: UInt16 = 0
    private var cycles: UInt32 = 0
    private var expectedPrior: UInt64 = 0
    private var receivedPrior: UInt64 = 0
    private var transit: Double = 0
    public private(set) var jitter: Double = 0
    private var started = false

    public init() {}

    /// Records one packet. Returns the number of packets skipped before it (0 when in order), for NACK.
    @discardableResult
    public mutating func record(sequence: UInt16, timestamp: UInt32, clockRate: UInt32, arrival: Double) -> Int {
        received += 1
        var gap = 0
        if !started {
            started = true
            baseSequence = UInt32(sequence)
            maxSequence = sequence
        } else {
            let delta = Int16(bitPattern: sequence &- maxSequence)
            if delta > 0 {
                if sequence < maxSequence { cycles &+= 1 << 16 }
                gap = Int(delta) - 1
                maxSequence = sequence
            }
        }
        // Interarrival jitter in timestamp units.
        let arrivalUnits = arrival * Double(clockRate)
        let currentTransit = arrivalUnits - Double(timestamp)
        if received > 1 {
            var d = currentTransit - transit
            if d < 0 { d = -d }
            // Timestamp wrap or a source restart shows as a huge jump; ignore it.
            if d < Double(clockRate) * 10 { jitter += (d - jitter) / 16 }
        }
        transit = currentTransit
        return gap
    }

    public var extendedHighest: UInt32 { cycles &+ UInt32(maxSequence) }

    /// Builds a reception report block and starts the next interval.
    public mutating func report(ssrc: UInt32, lastSenderReport: UInt32, delaySinceLastSenderReport: UInt32) -> ReceptionReport {
        let expected = UInt64(extendedHighest &- baseSequence) + 1
        let lost = Int64(expected) - Int64(received)
        let expectedInterval = expected &- expectedPrior
        let receivedInterval = received &- receivedPrior
        expectedPrior = expected
        receivedPrior = received
        let lostInterval = Int64(expectedInterval) - Int64(receivedInterval)
        let fraction: UInt8 = (expectedInterval == 0 || lostInterval <= 0)
            ? 0 : UInt8(min(255, (lostInterval << 8) / Int64(expectedInterval)))
        return ReceptionReport(ssrc: ssrc, fractionLost: fraction,
                               cumulativeLost: Int32(clamping: max(-0x800000, min(0x7FFFFF, lost))),
                               extendedHighestSequence: extendedHighest, jitter: UInt32(jitter),
                               lastSenderReport: lastSenderReport,
                               delaySinceLastSenderReport: delaySinceLastSenderReport)
    }

    public var hasReceived: Bool { started }
}
