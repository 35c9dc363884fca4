/// The last `capacity` packets of a stream by sequence number, in one allocation made up front, so storing a
/// packet on the forwarding path allocates nothing. Serves NACKs from subscribers.
public final class RetransmissionBuffer {
    public static let slotSize = 1500
    public let capacity: Int
    private let storage: UnsafeMutableRawBufferPointer
    private var lengths: [Int]
    private var sequences: [UInt16]

    public init(capacity: Int = 512) {
        self.capacity = capacity
        storage = .allocate(byteCount: capacity * Self.slotSize, alignment: 16)
        lengths = Array(repeating: 0, count: capacity)
        sequences = Array(repeating: 0, count: capacity)
    }

    deinit { storage.deallocate() }

    @inline(__always)
    public func store(_ packet: UnsafeRawBufferPointer, sequence: UInt16) {
        guard packet.count <= Self.slotSize else { return }
        let slot = Int(sequence) % capacity
        let base = storage.baseAddress! + slot * Self.slotSize
        base.copyMemory(from: packet.baseAddress!, byteCount: packet.count)
        lengths[slot] = packet.count
        sequences[slot] = sequence
    }

    /// The stored packet with `sequence`, valid until the slot is overwritten.
    public func packet(_ sequence: UInt16) -> UnsafeRawBufferPointer? {
        let slot = Int(sequence) % capacity
        guard lengths[slot] > 0, sequences[slot] == sequence else { return nil }
        return UnsafeRawBufferPointer(start: storage.baseAddress! + slot * Self.slotSize, count: lengths[slot])
    }
}
