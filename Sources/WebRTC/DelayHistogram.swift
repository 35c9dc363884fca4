/// Durations counted in fixed buckets, as a Prometheus histogram carries them: one loop thread records, others
/// read copies. The bucket array is allocated once; recording allocates nothing.
public struct DelayHistogram: Sendable, Equatable {
    /// The buckets' upper bounds (inclusive) in ns, 10 µs to 1 s, dense around 1 ms where the forwarding target
    /// lies. Durations above the last bound fall in a last bucket (+Inf).
    public static let boundsNs: [Int64] = [
        10, 25, 50, 75, 100, 150, 200, 300, 400, 500, 750,
        1_000, 1_500, 2_000, 3_000, 5_000, 7_500, 10_000, 20_000, 50_000, 100_000, 250_000, 1_000_000,
    ].map { $0 * 1_000 }

    /// Per bucket (not cumulative), `boundsNs.count + 1` of them, the last one +Inf.
    public private(set) var counts: [UInt64]
    public private(set) var sumNs: Int64 = 0

    public init() { counts = Array(repeating: 0, count: Self.boundsNs.count + 1) }

    public var count: UInt64 { counts.reduce(0, +) }

    /// Adds `other`'s counts (another media loop's histogram).
    public mutating func add(_ other: DelayHistogram) {
        for index in counts.indices { counts[index] += other.counts[index] }
        sumNs &+= other.sumNs
    }

    /// Counts one duration. A negative one (the wall clock stepped back between the two readings) counts as 0.
    @inline(__always)
    public mutating func record(ns: Int64) {
        let value = max(0, ns)
        // Binary search for the first bound ≥ value: 5 comparisons over 23 bounds.
        var low = 0, high = Self.boundsNs.count
        while low < high {
            let mid = (low + high) / 2
            if Self.boundsNs[mid] < value { low = mid + 1 } else { high = mid }
        }
        counts[low] += 1
        sumNs &+= value
    }
}
