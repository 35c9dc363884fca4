/// Rewrites a source stream's sequence numbers and timestamps into one continuous outgoing stream.
/// When the source changes (new SSRC after a publisher restart or renegotiation), the next packet continues the
/// outgoing numbering: sequence +1, timestamp advanced by the wall time that passed.
public struct RTPMunger: Sendable {
    public private(set) var sourceSSRC: UInt32?
    private var seqOffset: UInt16 = 0
    private var tsOffset: UInt32 = 0
    public private(set) var lastSequence: UInt16 = 0
    public private(set) var lastTimestamp: UInt32 = 0
    public private(set) var lastSendTime = 0.0
    /// First outgoing sequence of the current source, so NACKs for older ones are not mapped with a wrong offset.
    public private(set) var epochStart: UInt16 = 0
    private var started = false

    public init(initialSequence: UInt16 = UInt16.random(in: 0...0x7FFF)) {
        lastSequence = initialSequence &- 1
    }

    /// True when the next packet of `ssrc` starts a new source epoch.
    @inline(__always)
    public func isNewSource(_ ssrc: UInt32) -> Bool { sourceSSRC != ssrc }

    /// Maps one source packet. Call only for packets that are forwarded.
    @inline(__always)
    public mutating func map(ssrc: UInt32, sequence: UInt16, timestamp: UInt32, clockRate: UInt32,
                             now: Double) -> (sequence: UInt16, timestamp: UInt32) {
        if sourceSSRC != ssrc {
            let nextSequence = lastSequence &+ 1
            seqOffset = nextSequence &- sequence
            if started {
                let elapsed = max(1, UInt32(max(0, (now - lastSendTime) * Double(clockRate))))
                tsOffset = (lastTimestamp &+ elapsed) &- timestamp
            } else {
                tsOffset = UInt32.random(in: 0...UInt32.max) &- timestamp
            }
            sourceSSRC = ssrc
            epochStart = nextSequence
            started = true
        }
        let outSequence = sequence &+ seqOffset
        let outTimestamp = timestamp &+ tsOffset
        // Only move "last" forward (reordered packets keep their mapped numbers but do not rewind the state).
        if Int16(bitPattern: outSequence &- lastSequence) > 0 {
            lastSequence = outSequence
            lastTimestamp = outTimestamp
            lastSendTime = now
        }
        return (outSequence, outTimestamp)
    }

    /// The source sequence number of an outgoing one, if it belongs to the current source epoch.
    public func sourceSequence(of outgoing: UInt16) -> UInt16? {
        guard started, Int16(bitPattern: outgoing &- epochStart) >= 0,
              Int16(bitPattern: lastSequence &- outgoing) >= 0 else { return nil }
        return outgoing &- seqOffset
    }

    /// Outgoing timestamp for a source timestamp of the current epoch.
    @inline(__always)
    public func outgoingTimestamp(_ source: UInt32) -> UInt32 { source &+ tsOffset }
}
