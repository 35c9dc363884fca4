import Benchmark
import HotPathFixtures
import SFU

/// Opens every down track with a key frame, then measures forwarding one packet per scaled iteration.
func measureFanout(_ benchmark: Benchmark, subscribers: Int, sink: () -> any PacketSink) {
    var keep: [any PacketSink] = []
    var fanout = Fanout(subscribers: subscribers, sink: sink, keep: &keep)
    var now = 1.0
    fanout.forwardOne(now: now)
    benchmark.startMeasurement()
    for _ in benchmark.scaledIterations {
        now += 0.000_1
        fanout.forwardOne(now: now)
    }
    benchmark.stopMeasurement()
    blackHole(keep)
}

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.mallocCountTotal, .instructions, .wallClock, .throughput],
        warmupIterations: 2,
        scalingFactor: .kilo,
        maxDuration: .seconds(2),
        maxIterations: 50,
        // The budget: forwarding allocates nothing per packet.
        thresholds: [.mallocCountTotal: .init(absolute: [.p90: 0])]
    )

    // One video packet in, ten out: the SFU's work only.
    Benchmark("Fanout10.SFUOnly") { benchmark in
        measureFanout(benchmark, subscribers: 10) { CountingSink() }
    }

    // The same plus SRTP GCM protect of every copy (OpenSSL EVP: no malloc; Debian's NSS-backed libsrtp2: 5 each).
    // The count wanders a little per sample (the progress bar's thread); 1 % still catches one more malloc per packet.
    Benchmark("Fanout10.WithSRTPProtect",
              configuration: .init(thresholds: [.mallocCountTotal: .init(relative: [.p90: 1.0])])) { benchmark in
        measureFanout(benchmark, subscribers: 10) { try! ProtectingSink() }
    }

    // As the transport sends: protected and queued in send slots, each copy built in its slot. The same budget.
    Benchmark("Fanout10.IntoSendSlots",
              configuration: .init(thresholds: [.mallocCountTotal: .init(relative: [.p90: 1.0])])) { benchmark in
        let slots = SendSlots(count: 10)
        measureFanout(benchmark, subscribers: 10) { try! SlotSink(slots: slots, buildsInSlot: true) }
    }

    // For comparison: each copy built in the router's scratch and copied into its slot (the transport before
    // `sendBuffer`): one 1.2 KB copy more per packet out.
    Benchmark("Fanout10.CopiedIntoSendSlots",
              configuration: .init(thresholds: [.mallocCountTotal: .init(relative: [.p90: 1.0])])) { benchmark in
        let slots = SendSlots(count: 10)
        measureFanout(benchmark, subscribers: 10) { try! SlotSink(slots: slots, buildsInSlot: false) }
    }
}
