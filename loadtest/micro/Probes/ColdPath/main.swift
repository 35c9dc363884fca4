// The forwarding hot path met cold, as the media loop meets it after each sleep at a light step (patrol: one
// packet per wake-up): before each packet, caches and TLB are emptied by writing a buffer larger than the last-level
// cache, then one packet's path is timed. Warm, the same path costs a fraction (micro-benchmarks); the gap is what
// the code and data the path touches cost to bring back. loadtest/FINDINGS.md, "The hot path, cold", has readings.
//   swift run -c release cold-path [packets per case, default 400] [eviction MB, default 64] [only case N, cold]
import Foundation
import HotPathFixtures
import SFU
import SRTP

let arguments = CommandLine.arguments.dropFirst().compactMap { Int($0) }
let packets = arguments.first ?? 400
let evictionBytes = (arguments.dropFirst().first ?? 64) << 20
let onlyCase = arguments.dropFirst(2).first  // for a profiler: one case, cold only
let tscMHz = 2596.0  // the benchmark VM's TSC, to print kcycles as the wake-up split does

/// The path's cases, each timed after its packet is in place.
enum Case: Int, CaseIterable {
    case nothing, sfuOnly, sfuProtect, unprotect, unprotectSFUProtect, transportSFUProtect

    var name: String {
        switch self {
        case .nothing: "nothing (two clock reads)"
        case .sfuOnly: "SFU only (1 copy, counting sink)"
        case .sfuProtect: "SFU + protect in the send slot"
        case .unprotect: "unprotect only"
        case .unprotectSFUProtect: "unprotect + SFU + protect"
        case .transportSFUProtect: "the same through the transport"
        }
    }
}

/// All state in one object, so that nothing but the path runs between the clock reads.
final class ColdPath {
    let eviction: UnsafeMutableRawBufferPointer
    var evictionRound: UInt8 = 0
    let slots = SendSlots(count: 1)
    var keep: [any PacketSink] = []
    var counted: Fanout
    var protected: Fanout
    /// The server's transport layers in front of `protected`'s router.
    let connected: ConnectedPublisher
    let publisherOut: SRTPContext
    let serverIn: SRTPContext
    let received = UnsafeMutableRawBufferPointer.allocate(byteCount: 2048, alignment: 16)
    var receivedLength = 0
    var now = 1.0

    init(evictionBytes: Int) throws {
        eviction = .allocate(byteCount: evictionBytes, alignment: 4096)
        let key = [UInt8](repeating: 7, count: 28)
        let slots = slots
        counted = Fanout(subscribers: 1, sink: { CountingSink() }, keep: &keep)
        protected = Fanout(subscribers: 1, sink: { try! SlotSink(slots: slots, buildsInSlot: true) }, keep: &keep)
        connected = try ConnectedPublisher(router: protected.router, publisher: protected.publisher)
        publisherOut = try SRTPContext(profile: .aeadAES128GCM, masterKeyAndSalt: key, direction: .outbound)
        serverIn = try SRTPContext(profile: .aeadAES128GCM, masterKeyAndSalt: key, direction: .inbound)
    }

    /// Writes every line of the eviction buffer: caches and TLB then hold it, not the path's code and data.
    func evictCaches() {
        evictionRound &+= 1
        for offset in stride(from: 0, to: eviction.count, by: 64) { eviction[offset] = evictionRound }
    }

    /// The next packet of a stream in the receive buffer, protected as the publisher sends it or not.
    func receiveNext(protectedStream: Bool, protect: Bool, by context: SRTPContext? = nil) {
        if protectedStream { protected.advance() } else { counted.advance() }
        let packet = protectedStream ? protected.packet : counted.packet
        packet.withUnsafeBytes { received.copyMemory(from: $0) }
        receivedLength = protect ? try! (context ?? publisherOut).protectRTP(received, length: packet.count) : packet.count
        now += 0.00125
    }

    func setUp(_ current: Case) {
        switch current {
        case .nothing: break
        case .sfuOnly: receiveNext(protectedStream: false, protect: false)
        case .sfuProtect: receiveNext(protectedStream: true, protect: false)
        case .unprotect, .unprotectSFUProtect: receiveNext(protectedStream: true, protect: true)
        case .transportSFUProtect: receiveNext(protectedStream: true, protect: true, by: connected.publisherOut)
        }
    }

    @inline(never)
    func run(_ current: Case) {
        switch current {
        case .nothing: break
        case .sfuOnly: forward(counted.router, counted.publisher, length: receivedLength)
        case .sfuProtect: forward(protected.router, protected.publisher, length: receivedLength)
        case .unprotect: _ = try! serverIn.unprotectRTP(received, length: receivedLength)
        case .unprotectSFUProtect:
            forward(protected.router, protected.publisher,
                    length: try! serverIn.unprotectRTP(received, length: receivedLength))
        case .transportSFUProtect:
            connected.server.handleDatagram(UnsafeMutableRawBufferPointer(rebasing: received[0..<receivedLength]),
                                            from: connected.address, now: now)
        }
    }

    @inline(__always)
    func forward(_ router: Router, _ publisher: PeerMedia, length: Int) {
        router.handleRTP(from: publisher, packet: UnsafeMutableRawBufferPointer(rebasing: received[0..<length]),
                         now: now, arrivalMicros: Int64(now * 1e6))
    }

    /// kcycles per packet of `current`, warm or after emptying the caches.
    func measure(_ current: Case, cold: Bool, packets: Int) -> [Double] {
        var readings: [Double] = []
        readings.reserveCapacity(packets)
        for _ in 0..<packets {
            setUp(current)
            if cold { evictCaches() }
            let start = nanoseconds()
            run(current)
            let end = nanoseconds()
            readings.append(Double(end - start) * tscMHz / 1e6)
        }
        return readings.sorted()
    }
}

@inline(__always) func nanoseconds() -> UInt64 {
    var time = timespec()
    clock_gettime(CLOCK_MONOTONIC, &time)
    return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
}

func percentile(_ sorted: [Double], _ p: Double) -> Double { sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))] }

let probe = try ColdPath(evictionBytes: evictionBytes)
print("cold-path: \(packets) packets per case, \(evictionBytes >> 20) MB written before each cold one; kcycles at \(tscMHz) MHz")
print("case".padding(toLength: 36, withPad: " ", startingAt: 0) + "   warm p50  cold p50  cold p90")
for current in Case.allCases where onlyCase == nil || onlyCase == current.rawValue {
    let warm = onlyCase == nil ? probe.measure(current, cold: false, packets: packets) : [0]
    let cold = probe.measure(current, cold: true, packets: packets)
    print(current.name.padding(toLength: 36, withPad: " ", startingAt: 0)
          + String(format: "   %8.2f  %8.2f  %8.2f", percentile(warm, 0.5), percentile(cold, 0.5), percentile(cold, 0.9)))
}
