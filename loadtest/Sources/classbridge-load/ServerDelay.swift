import Foundation

/// The server's `/metrics` text, as read at a window's edges; nil if it does not answer.
func scrapeServerMetrics(host: UInt32, port: UInt16) -> String? {
    (try? httpGet(host: host, port: port, path: "/metrics")).map { String(decoding: $0, as: UTF8.self) }
}

/// The sample lines of a Prometheus text exposition (`name{labels} value`), in their order: what the readings of
/// the server's `/metrics` are taken from. Comments and lines without a number are skipped.
struct MetricSamples {
    /// Each sample's name with its labels as written, and its value.
    let samples: [(key: Substring, value: Double)]

    init(_ text: String) {
        samples = text.split(separator: "\n").compactMap { line in
            guard !line.hasPrefix("#"), let space = line.lastIndex(of: " "),
                  let value = Double(line[line.index(after: space)...]) else { return nil }
            return (line[..<space], value)
        }
    }

    /// The samples whose key starts with `prefix`, keyed by the rest of it.
    func withPrefix(_ prefix: String) -> [(rest: Substring, value: Double)] {
        samples.compactMap { $0.key.hasPrefix(prefix) ? ($0.key.dropFirst(prefix.count), $0.value) : nil }
    }
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
        var buckets: [(Double, Double)] = []
        for (rest, count) in MetricSamples(text).withPrefix(name + "_bucket{le=\"") {
            guard let quote = rest.firstIndex(of: "\"") else { continue }
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
