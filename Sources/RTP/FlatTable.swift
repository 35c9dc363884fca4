/// A key of a `FlatTable`: compared for equality, and mixed to 64 bits under the table's two random odd
/// multipliers (the table takes the top bits). Mixing must spread what a peer can choose: keys that differ only
/// where `mixed` ignores them land in one slot.
public protocol FlatTableKey: Equatable {
    func mixed(_ first: UInt64, _ second: UInt64) -> UInt64
}

extension UInt32: FlatTableKey {
    @inlinable @inline(__always)
    public func mixed(_ first: UInt64, _ second: UInt64) -> UInt64 { UInt64(self) &* first }
}

/// A map by SSRC for the per-packet path (see `FlatTable`).
public typealias SSRCTable<Value> = FlatTable<UInt32, Value>

/// A map for the per-packet path: open addressing with linear probing on multiply-shift hashing. A lookup is a
/// few multiplies and, at a load of at most one half, usually one cache line of keys, then the value.
///
/// Why not `Dictionary`: a lookup there runs the seeded SipHash through `Hasher` in the standard library, and a
/// mutation its copy-on-write check. Met cold, as the media loop meets them after each sleep at a light step, those
/// were a tenth of the SFU's cold path, a sixth of an SRTP unprotect and, for the source address, 7 % of a packet's
/// whole path through the transport (`loadtest/micro` cold-path, loadtest/FINDINGS.md "The hot path, cold"). The
/// multipliers are random per table (and odd), so a peer cannot choose keys that collide.
/// A class, so that it is never copied: its owner keeps one for its lifetime. Inlinable, so that its users get it
/// specialized for their types instead of calling generic code through metadata.
public final class FlatTable<Key: FlatTableKey, Value> {
    /// Initialized exactly where `used` is true, as are `values`.
    @usableFromInline var keys: UnsafeMutablePointer<Key>
    @usableFromInline var used: UnsafeMutablePointer<Bool>
    @usableFromInline var values: UnsafeMutablePointer<Value>
    @usableFromInline var capacity: Int
    @usableFromInline var shift: UInt64
    @usableFromInline let multipliers: (UInt64, UInt64)
    public private(set) var count = 0

    public convenience init() { self.init(multipliers: (.random(in: 0...UInt64.max), .random(in: 0...UInt64.max))) }

    /// `multipliers` fixed, for tests that need keys to collide.
    init(multipliers: (UInt64, UInt64)) {
        self.multipliers = (multipliers.0 | 1, multipliers.1 | 1)
        capacity = 8
        shift = 64 - 3
        (keys, used, values) = Self.allocate(capacity)
    }

    deinit {
        for slot in 0..<capacity where used[slot] {
            (keys + slot).deinitialize(count: 1)
            (values + slot).deinitialize(count: 1)
        }
        keys.deallocate()
        used.deallocate()
        values.deallocate()
    }

    private static func allocate(_ capacity: Int)
        -> (UnsafeMutablePointer<Key>, UnsafeMutablePointer<Bool>, UnsafeMutablePointer<Value>) {
        let used = UnsafeMutablePointer<Bool>.allocate(capacity: capacity)
        used.initialize(repeating: false, count: capacity)
        return (.allocate(capacity: capacity), used, .allocate(capacity: capacity))
    }

    @inlinable public var isEmpty: Bool { count == 0 }

    /// The top bits of the mixed key, folded (its high half into its low) and multiplied once more: its first slot
    /// to look in. Why the fold: a multiply alone keeps keys in arithmetic progression, as the ports one NAT hands
    /// out in turn, in arithmetic progression, and for about one random multiplier in 25 to 40 that put 256 such
    /// keys into 64 home slots or fewer of 512 (into one at worst), every lookup then walking a long run. With it,
    /// 181 or more in 5,000 draws of multipliers, as random keys (about 200).
    @inlinable @inline(__always)
    func home(of key: Key) -> Int {
        let mixed = key.mixed(multipliers.0, multipliers.1)
        return Int(truncatingIfNeeded: ((mixed ^ mixed >> 32) &* multipliers.1) >> shift)
    }

    /// The slot holding `key`, for reading or changing its value in place (`subscript(slot:)`), or nil.
    @inlinable @inline(__always)
    public func slot(of key: Key) -> Int? {
        var slot = home(of: key)
        while used[slot] {
            if keys[slot] == key { return slot }
            slot = (slot + 1) & (capacity - 1)
        }
        return nil
    }

    /// The value in a slot that `slot(of:)` returned, with no table change in between.
    @inlinable
    public subscript(slot slot: Int) -> Value {
        unsafeAddress { UnsafePointer(values + slot) }
        unsafeMutableAddress { values + slot }
    }

    public subscript(key: Key) -> Value? {
        @inlinable @inline(__always) get { slot(of: key).map { values[$0] } }
        set {
            if let newValue { insert(newValue, for: key) } else { remove(key) }
        }
    }

    /// Removes every entry whose value matches.
    public func removeAll(where matches: (Value) -> Bool) {
        var doomed: [Key] = []
        for slot in 0..<capacity where used[slot] && matches(values[slot]) { doomed.append(keys[slot]) }
        for key in doomed { remove(key) }
    }

    private func insert(_ value: Value, for key: Key) {
        if let slot = slot(of: key) {
            values[slot] = value
            return
        }
        if (count + 1) * 2 > capacity { grow() }
        var slot = home(of: key)
        while used[slot] { slot = (slot + 1) & (capacity - 1) }
        (keys + slot).initialize(to: key)
        (values + slot).initialize(to: value)
        used[slot] = true
        count += 1
    }

    /// Empties the slot, then puts back the rest of its run, which may have probed past it.
    private func remove(_ key: Key) {
        guard var slot = slot(of: key) else { return }
        take(slot)
        slot = (slot + 1) & (capacity - 1)
        while used[slot] {
            let (moved, value) = take(slot)
            insert(value, for: moved)
            slot = (slot + 1) & (capacity - 1)
        }
    }

    @discardableResult
    private func take(_ slot: Int) -> (Key, Value) {
        used[slot] = false
        count -= 1
        return ((keys + slot).move(), (values + slot).move())
    }

    private func grow() {
        let (oldKeys, oldUsed, oldValues, oldCapacity) = (keys, used, values, capacity)
        capacity *= 2
        shift -= 1
        (keys, used, values) = Self.allocate(capacity)
        count = 0
        for slot in 0..<oldCapacity where oldUsed[slot] {
            insert((oldValues + slot).move(), for: (oldKeys + slot).move())
        }
        oldKeys.deallocate()
        oldUsed.deallocate()
        oldValues.deallocate()
    }
}
