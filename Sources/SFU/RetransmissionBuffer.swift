/// The recent packets of one stream, for NACKs from subscribers: packed back to back in a byte ring, indexed by
/// sequence number. Storing a packet on the forwarding path copies it and allocates nothing.
///
/// A packet is kept while both its index slot (`slots` packets) and its bytes (the ring) are not reused. The ring
/// is sized to hold `window` seconds of the stream's peak rate, as libwebrtc's sender keeps about one second of
/// history; `adapt(now:)`, called from the room's timer, resizes it off the forwarding path. A fixed 512 × 1,500
/// bytes made a 1 Mbit/s camera cost 768 KB; sized by rate it costs about 192 KB.
public final class RetransmissionBuffer {
    public static let maxPacketSize = 1500
    /// Ring sizes are multiples of this, between `minimumBytes` and `slots × maxPacketSize`.
    static let granule = 16 * 1024
    public static let minimumBytes = 64 * 1024

    public let slots: Int
    public let window: Double
    public private(set) var ringBytes: Int
    private var ring: UnsafeMutableRawPointer
    private var entries: UnsafeMutablePointer<Entry>
    /// Absolute position: bytes ever written (skipped ring tails included). Byte `p` sits at `p % ringBytes`.
    private var written = 0
    /// `written % ringBytes`, kept so that storing needs no division.
    private var head = 0

    private var rateSampleTime: Double?
    private var rateSampleWritten = 0
    /// Bytes per second, the peak of the recent seconds decaying slowly.
    private var peakRate = 0.0

    private struct Entry {
        var start = -1  // absolute position; -1: empty
        var length: UInt16 = 0
        var sequence: UInt16 = 0
    }

    public init(slots: Int = 512, window: Double = 1.0, initialBytes: Int = 128 * 1024) {
        self.slots = slots
        self.window = window
        ringBytes = Self.clampSize(initialBytes, slots: slots)
        ring = .allocate(byteCount: ringBytes, alignment: 16)
        entries = .allocate(capacity: slots)
        entries.initialize(repeating: Entry(), count: slots)
    }

    deinit {
        ring.deallocate()
        entries.deallocate()
    }

    @inline(__always)
    public func store(_ packet: UnsafeRawBufferPointer, sequence: UInt16) {
        let count = packet.count
        guard count > 0, count <= Self.maxPacketSize else { return }
        if head + count > ringBytes {  // a packet never wraps: skip the tail
            written += ringBytes - head
            head = 0
        }
        (ring + head).copyMemory(from: packet.baseAddress!, byteCount: count)
        entries[Int(sequence) % slots] = Entry(start: written, length: UInt16(count), sequence: sequence)
        written += count
        head += count
    }

    /// The stored packet with `sequence`, valid until the next `store` or `adapt`.
    public func packet(_ sequence: UInt16) -> UnsafeRawBufferPointer? {
        let entry = entries[Int(sequence) % slots]
        guard entry.start >= 0, entry.sequence == sequence,
              written - entry.start <= ringBytes else { return nil }  // else its bytes were written over
        return UnsafeRawBufferPointer(start: ring + entry.start % ringBytes, count: Int(entry.length))
    }

    /// When `adapt(now:)` next has work: at once before its first sample, then a second after the last one.
    var nextAdapt: Double { rateSampleTime.map { $0 + 1 } ?? -.infinity }

    /// Measures the stream's rate once a second and resizes the ring to `window` seconds of its recent peak, with
    /// headroom: at once when it must grow, only below half when it may shrink, so a steady stream never flips.
    /// Kept packets move into the new ring.
    public func adapt(now: Double) {
        guard let since = rateSampleTime else {
            rateSampleTime = now
            rateSampleWritten = written
            return
        }
        let elapsed = now - since
        guard elapsed >= 1 else { return }
        let rate = Double(written - rateSampleWritten) / elapsed
        rateSampleTime = now
        rateSampleWritten = written
        peakRate = max(rate, peakRate * 0.9)
        let target = Self.clampSize(Int(peakRate * window * 1.5), slots: slots)
        if target > ringBytes || target <= ringBytes / 2 { resize(to: target) }
    }

    private static func clampSize(_ bytes: Int, slots: Int) -> Int {
        let rounded = (bytes + granule - 1) / granule * granule
        return min(max(rounded, minimumBytes), slots * maxPacketSize)
    }

    private func resize(to bytes: Int) {
        // The packets still held, oldest first, so that re-storing them keeps the newest if the ring shrinks.
        var kept: [Entry] = []
        for slot in 0..<slots where entries[slot].start >= 0 && packet(entries[slot].sequence) != nil {
            kept.append(entries[slot])
        }
        kept.sort { $0.start < $1.start }
        let old = ring
        let oldBytes = ringBytes
        ring = .allocate(byteCount: bytes, alignment: 16)
        ringBytes = bytes
        entries.update(repeating: Entry(), count: slots)
        let writtenBefore = written
        written = 0
        head = 0
        for entry in kept {
            store(UnsafeRawBufferPointer(start: old + entry.start % oldBytes, count: Int(entry.length)),
                  sequence: entry.sequence)
        }
        old.deallocate()
        // Keep the rate sample meaningful across the renumbering.
        rateSampleWritten -= writtenBefore - written
    }
}
