import Prometheus
import Synchronization
import WebRTC

/// Server-wide media counters for Prometheus (`GET /metrics`). The media loop owns the counters it sums, and its
/// timer publishes them here once a second, so the forwarding path pays nothing per packet for them.
final class MediaMetrics: Sendable {
    let registry: PrometheusCollectorRegistry
    private let transports: Gauge
    /// Each counter with the running total it mirrors, read on the media loop.
    private let totals: [(counter: Counter, read: @Sendable (Snapshot) -> Int)]

    struct Snapshot {
        var transport: TransportCounters
        var datagrams: TransportServer.Counters
        var loop: MediaLoop.WakeUps
    }
    /// One per media loop.
    private let published: [LoopConfined]
    /// Each media loop's open transports and RTP delay histogram as of its last publication; the gauge and the
    /// histogram show their sums (swift-prometheus records one observation at a time under a lock, so the loops
    /// keep their own counts and this renders them).
    private let perLoop: Mutex<[(transports: Int, rtpDelay: DelayHistogram)]>
    static let rtpDelayName = "classbridge_rtp_forwarding_delay_seconds"

    /// What one media loop already added to each counter, and when it publishes next. Touched only on that loop.
    private final class LoopConfined: @unchecked Sendable {
        var values: [Int]
        var nextPublish = 0.0
        init(count: Int) { values = Array(repeating: 0, count: count) }
    }

    init(loops: Int = 1) {
        let registry = PrometheusCollectorRegistry()
        self.registry = registry
        // Full names in `metricName` (an empty unit adds nothing), so they read as they do in the exposition.
        transports = registry.makeGauge(descriptor: MetricNameDescriptor(
            metricName: "classbridge_media_transports", unitName: "", helpText: "Peer transports (ICE, DTLS, SRTP) open now."))
        func total(_ name: String, _ help: String, labels: [(String, String)] = [],
                   _ read: @escaping @Sendable (Snapshot) -> Int) -> (Counter, @Sendable (Snapshot) -> Int) {
            (registry.makeCounter(descriptor: MetricNameDescriptor(metricName: name, unitName: "", helpText: help),
                                  labels: labels), read)
        }
        let dropped = "Datagrams on the media port that reached no transport."
        let wakeUps = "Times a media loop's wait ended: with datagrams, in the socket's receive (they kept coming) or in "
            + "poll (the first after a quiet spell); or empty, for its timers."
        totals = [
            total("classbridge_rtp_packets_received_total", "SRTP packets received and authenticated.") {
                $0.transport.rtpReceived },
            total("classbridge_rtcp_packets_received_total", "SRTCP packets received and authenticated.") {
                $0.transport.rtcpReceived },
            total("classbridge_rtp_packets_sent_total", "RTP packets protected and sent.") {
                $0.transport.rtpSent },
            total("classbridge_rtcp_packets_sent_total", "RTCP packets protected and sent.") {
                $0.transport.rtcpSent },
            total("classbridge_srtp_inbound_dropped_total",
                  "Inbound packets dropped by a transport: failed authentication or replay check, media before keys, "
                    + "malformed, or a new SSRC past the session's limit.") {
                $0.transport.inboundDropped },
            total("classbridge_srtp_protect_failures_total", "Outbound packets that could not be protected.") {
                $0.transport.protectFailures },
            total("classbridge_transport_address_moves_total",
                  "Times a peer's media moved to another address it had checked from (a NAT re-mapped it, or it switched pairs).") {
                $0.transport.addressMoves },
            total("classbridge_datagrams_dropped_total", dropped, labels: [("reason", "unknown_source")]) {
                $0.datagrams.unknownSource },
            total("classbridge_datagrams_dropped_total", dropped, labels: [("reason", "unknown_ufrag")]) {
                $0.datagrams.unknownUfrag },
            total("classbridge_datagrams_dropped_total", dropped, labels: [("reason", "malformed")]) {
                $0.datagrams.malformed },
            total("classbridge_media_loop_wakeups_total", wakeUps, labels: [("wait", "receive")]) { $0.loop.inReceive },
            total("classbridge_media_loop_wakeups_total", wakeUps, labels: [("wait", "poll")]) { $0.loop.inPoll },
            total("classbridge_media_loop_wakeups_total", wakeUps, labels: [("wait", "empty")]) { $0.loop.empty },
            total("classbridge_media_loop_datagrams_total",
                  "Datagrams the media loops took from their sockets (a job's wake-up datagram included). Over the "
                    + "wake-ups with datagrams: how many each wake-up shares, 1 at a light lesson.") {
                $0.loop.datagrams },
            total("classbridge_media_loop_rtp_wakeups_total",
                  "Media loop wake-ups that took RTP. With classbridge_media_loop_rtp_datagrams_total: how many media "
                    + "packets share a wake-up.") { $0.loop.withRTP },
            total("classbridge_media_loop_rtp_datagrams_total", "RTP datagrams the media loops took.") {
                $0.loop.rtpDatagrams },
        ]
        let counters = totals.count, loops = max(1, loops)
        published = (0..<loops).map { _ in LoopConfined(count: counters) }
        perLoop = Mutex(Array(repeating: (0, DelayHistogram()), count: loops))
    }

    /// On the tick of media loop number `number`: publishes what that loop counted, at most once a second (`force`
    /// for tests). Each loop adds only its own growth to the shared counters, so they sum over the loops.
    func tick(loopNumber number: Int = 0, now: Double, transports server: TransportServer, loop: MediaLoop,
              force: Bool = false) {
        let published = published[number]
        guard force || now >= published.nextPublish else { return }
        published.nextPublish = now + 1
        let latest = (transports: server.transportCount, rtpDelay: loop.rtpDelay)
        let open = perLoop.withLock { loops in
            loops[number] = latest
            return loops.reduce(0) { $0 + $1.transports }
        }
        transports.set(Int64(open))
        let snapshot = Snapshot(transport: server.transportTotals, datagrams: server.counters, loop: loop.wakeUps)
        for (index, total) in totals.enumerated() {
            let value = total.read(snapshot)
            if value > published.values[index] {
                total.counter.increment(by: Int64(value - published.values[index]))
                published.values[index] = value
            }
        }
    }

    /// The Prometheus text exposition format.
    func text() -> String {
        let delays = perLoop.withLock { loops in loops.reduce(into: DelayHistogram()) { $0.add($1.rtpDelay) } }
        return registry.emitToString() + Self.exposition(delays)
    }

    /// The histogram in the text format: cumulative buckets with `le` in seconds, then sum and count.
    static func exposition(_ histogram: DelayHistogram) -> String {
        let name = rtpDelayName
        var text = """
            # HELP \(name) RTP datagrams from the kernel's receipt to the end of their handling (a forwarded packet: its last copy sent).
            # TYPE \(name) histogram

            """
        var cumulative: UInt64 = 0
        for (index, count) in histogram.counts.enumerated() {
            cumulative += count
            let bound = index < DelayHistogram.boundsNs.count ? "\(Double(DelayHistogram.boundsNs[index]) / 1e9)" : "+Inf"
            text += "\(name)_bucket{le=\"\(bound)\"} \(cumulative)\n"
        }
        text += "\(name)_sum \(Double(histogram.sumNs) / 1e9)\n\(name)_count \(cumulative)\n"
        return text
    }
}
