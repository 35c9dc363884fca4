/// A map from SSRC to `Value` for the per-packet path: open addressing with linear probing on a multiplicative
/// hash. A lookup is one multiply and, at a load of at most one half, usually one cache line of keys, then the value.
///
/// Why not `Dictionary`: a lookup there runs the seeded SipHash through `Hasher` in the standard library, and a
/// mutation its copy-on-write check. Met cold, as the media loop meets them after each sleep at a light step, those
/// were a tenth of the SFU's cold path and a sixth of an SRTP unprotect (`loadtest/micro` cold-path, BENCHMARKS.md
/// "The hot path, cold"). Its multiplier is random per table (and odd), so a peer cannot choose SSRCs that collide.
/// A class, so that it is never copied: its owner keeps one for its lifetime. Inlinable, so that its users get it
/// specialized for their value type instead of calling generic code through metadata.
public final class SSRCTable<Value> {
    /// A key slot: the SSRC, or `empty`.
    @usableFromInline var keys: UnsafeMutablePointer<UInt64>
    /// Initialized exactly where `keys` holds an SSRC.
    @usableFromInline var values: UnsafeMutablePointer<Value>
    @usableFromInline var capacity: Int
    @usableFromInline var shift: UInt32
    @usableFromInline let multiplier: UInt32
    public private(set) var count = 0

    @usableFromInline static var empty: UInt64 { .max }

    public convenience init() { self.init(multiplier: .random(in: 0...UInt32.max)) }

    /// `multiplier` fixed, for tests that need keys to collide.
    init(multiplier: UInt32) {
        self.multiplier = multiplier | 1
        capacity = 8
        shift = 32 - 3
        keys = .allocate(capacity: capacity)
        keys.initialize(repeating: Self.empty, count: capacity)
        values = .allocate(capacity: capacity)
    }

    deinit {
        for slot in 0..<capacity where keys[slot] != Self.empty { (values + slot).deinitialize(count: 1) }
        keys.deallocate()
        values.deallocate()
    }

    @inlinable public var isEmpty: Bool { count == 0 }

    /// Multiply-shift hashing: the top bits of the SSRC times the table's odd multiplier.
    @inlinable @inline(__always)
    func home(of ssrc: UInt32) -> Int { Int((ssrc &* multiplier) >> shift) }

    /// The slot holding `ssrc`, for reading or changing its value in place (`subscript(slot:)`), or nil.
    @inlinable @inline(__always)
    public func slot(of ssrc: UInt32) -> Int? {
        let key = UInt64(ssrc)
        var slot = home(of: ssrc)
        while true {
            let found = keys[slot]
            if found == key { return slot }
            if found == Self.empty { return nil }
            slot = (slot + 1) & (capacity - 1)
        }
    }

    /// The value in a slot that `slot(of:)` returned, with no table change in between.
    @inlinable
    public subscript(slot slot: Int) -> Value {
        unsafeAddress { UnsafePointer(values + slot) }
        unsafeMutableAddress { values + slot }
    }

    public subscript(ssrc: UInt32) -> Value? {
        @inlinable @inline(__always) get { slot(of: ssrc).map { values[$0] } }
        set {
            if let newValue { insert(newValue, for: ssrc) } else { remove(ssrc) }
        }
    }

    /// Removes every entry whose value matches.
    public func removeAll(where matches: (Value) -> Bool) {
        var doomed: [UInt32] = []
        for slot in 0..<capacity where keys[slot] != Self.empty && matches(values[slot]) {
            doomed.append(UInt32(truncatingIfNeeded: keys[slot]))
        }
        for ssrc in doomed { remove(ssrc) }
    }

    private func insert(_ value: Value, for ssrc: UInt32) {
        if let slot = slot(of: ssrc) {
            values[slot] = value
            return
        }
        if (count + 1) * 2 > capacity { grow() }
        var slot = home(of: ssrc)
        while keys[slot] != Self.empty { slot = (slot + 1) & (capacity - 1) }
        keys[slot] = UInt64(ssrc)
        (values + slot).initialize(to: value)
        count += 1
    }

    /// Empties the slot, then puts back the rest of its run, which may have probed past it.
    private func remove(_ ssrc: UInt32) {
        guard var slot = slot(of: ssrc) else { return }
        keys[slot] = Self.empty
        (values + slot).deinitialize(count: 1)
        count -= 1
        slot = (slot + 1) & (capacity - 1)
        while keys[slot] != Self.empty {
            let moved = UInt32(truncatingIfNeeded: keys[slot])
            keys[slot] = Self.empty
            count -= 1
            insert((values + slot).move(), for: moved)
            slot = (slot + 1) & (capacity - 1)
        }
    }

    private func grow() {
        let oldKeys = keys, oldValues = values, oldCapacity = capacity
        capacity *= 2
        shift -= 1
        keys = .allocate(capacity: capacity)
        keys.initialize(repeating: Self.empty, count: capacity)
        values = .allocate(capacity: capacity)
        count = 0
        for slot in 0..<oldCapacity where oldKeys[slot] != Self.empty {
            insert((oldValues + slot).move(), for: UInt32(truncatingIfNeeded: oldKeys[slot]))
        }
        oldKeys.deallocate()
        oldValues.deallocate()
    }
}
