/// The server's media loop wake-ups and the datagrams they took, from its `/metrics` (`classbridge_media_loop_*`,
/// summed over its loops). Read before and after a window: how many datagrams a wake-up shared, and how often the
/// loop woke. At a light step each packet in costs a wake-up of its own, which is most of its CPU on this VM, so
/// this is read beside the forwarder bound's own (`BoundReading`): a forwarder woken for fewer packets at a time
/// pays more per packet.
struct ServerWakeUps: Equatable {
    /// Wake-ups that brought datagrams, in the socket's receive or in `poll`.
    var withDatagrams: Double
    /// Wake-ups without one, for the loop's timers.
    var empty: Double
    var datagrams: Double
    /// Wake-ups that took RTP, and the RTP datagrams they took (0 from a server before they were counted).
    var withRTP: Double = 0
    var rtpDatagrams: Double = 0

    static let prefix = "classbridge_media_loop_"

    /// The counters of a Prometheus text exposition; nil without them (an older server).
    static func parse(_ text: String) -> ServerWakeUps? {
        let values = Dictionary(MetricSamples(text).withPrefix(prefix), uniquingKeysWith: { _, last in last })
        guard let datagrams = values["datagrams_total"] else { return nil }
        func wakeUps(_ wait: String) -> Double { values["wakeups_total{wait=\"\(wait)\"}"[...]] ?? 0 }
        return ServerWakeUps(withDatagrams: wakeUps("receive") + wakeUps("poll"), empty: wakeUps("empty"),
                             datagrams: datagrams, withRTP: values["rtp_wakeups_total"] ?? 0,
                             rtpDatagrams: values["rtp_datagrams_total"] ?? 0)
    }

    /// What was counted after `earlier`.
    func since(_ earlier: ServerWakeUps) -> ServerWakeUps {
        ServerWakeUps(withDatagrams: withDatagrams - earlier.withDatagrams, empty: empty - earlier.empty,
                      datagrams: datagrams - earlier.datagrams, withRTP: withRTP - earlier.withRTP,
                      rtpDatagrams: rtpDatagrams - earlier.rtpDatagrams)
    }

    /// Datagrams per wake-up that brought any; nil without one.
    var datagramsPerWakeUp: Double? { withDatagrams > 0 ? datagrams / withDatagrams : nil }

    /// RTP datagrams per wake-up that took RTP: the groups media packets came in, whatever else came with them;
    /// nil without one.
    var rtpPerWakeUp: Double? { withRTP > 0 ? rtpDatagrams / withRTP : nil }
}
