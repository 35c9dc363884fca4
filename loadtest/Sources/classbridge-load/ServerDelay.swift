import Foundation

/// The server's `/metrics` text, as read at a window's edges; nil if it does not answer.
func scrapeServerMetrics(host: UInt32, port: UInt16) -> String? {
    (try? httpGet(host: host, port: port, path: "/metrics")).map { String(decoding: $0, as: UTF8.self) }
}

/// The server's own forwarding delay, from its `/metrics`: `classbridge_rtp_forwarding_delay_seconds` times each
/// RTP packet from the kernel's receipt to its last copy's send. The cumulative bucket counts read before and
/// after a window give that window's percentiles, with none of the generator's own delays in them.
struct ServerDelayHistogram: Equatable {
    static let name = "classbridge_rtp_forwarding_delay_seconds"
    /// The buckets' upper bounds in seconds, ascending; the last is +Inf.
    var bounds: [Double]
    /// Packets at or below each bound.
    var cumulative: [Double]

    /// The histogram's `_bucket{le="…"} N` lines of a Prometheus text exposition.
    static func parse(_ text: String) -> ServerDelayHistogram? {
        let prefix = name + "_bucket{le=\""
        var buckets: [(Double, Double)] = []
        for line in text.split(separator: "\n") where line.hasPrefix(prefix) {
            let rest = line.dropFirst(prefix.count)
            guard let quote = rest.firstIndex(of: "\""), let space = rest.lastIndex(of: " "),
                  let count = Double(rest[rest.index(after: space)...]) else { continue }
            let le = rest[..<quote]
            guard let bound = le == "+Inf" ? Double.infinity : Double(le) else { continue }
            buckets.append((bound, count))
        }
        buckets.sort { $0.0 < $1.0 }
        guard buckets.last?.0 == .infinity else { return nil }
        return ServerDelayHistogram(bounds: buckets.map(\.0), cumulative: buckets.map(\.1))
    }

    /// What was counted after `earlier` (the same server, so the same buckets).
    func since(_ earlier: ServerDelayHistogram) -> ServerDelayHistogram {
        guard earlier.bounds == bounds else { return self }
        return ServerDelayHistogram(bounds: bounds, cumulative: zip(cumulative, earlier.cumulative).map { $0 - $1 })
    }

    var count: Double { cumulative.last ?? 0 }

    /// The p-th percentile in µs, interpolated linearly inside its bucket as Prometheus' `histogram_quantile`
    /// does (in the +Inf bucket: the highest finite bound). nil without packets.
    func percentileUs(_ p: Double) -> Double? {
        guard count > 0, let index = cumulative.firstIndex(where: { $0 >= p / 100 * count }) else { return nil }
        let lower = index == 0 ? 0 : bounds[index - 1]
        guard bounds[index].isFinite else { return lower * 1e6 }
        let below = index == 0 ? 0 : cumulative[index - 1]
        let inBucket = cumulative[index] - below
        let fraction = inBucket > 0 ? (p / 100 * count - below) / inBucket : 1
        return (lower + (bounds[index] - lower) * fraction) * 1e6
    }

    /// The share of packets handled within `seconds` (a bucket bound), in %.
    func percentWithin(_ seconds: Double) -> Double? {
        guard count > 0, let index = bounds.firstIndex(of: seconds) else { return nil }
        return 100 * cumulative[index] / count
    }
}
