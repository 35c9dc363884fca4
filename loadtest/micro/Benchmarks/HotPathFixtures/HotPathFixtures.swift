public import SFU
import RTP
import SRTP

// What the forwarding micro-benchmarks and the cold-path probe share: sinks standing in for the transport, and one
// publisher's video track fanned out to down tracks.

/// A sink that only counts, so the benchmark measures the SFU's own work.
public final class CountingSink: PacketSink {
    public var packets = 0
    public var bytes = 0
    public init() {}
    public func sendRTP(_ buffer: UnsafeMutableRawBufferPointer, length: Int) { packets += 1; bytes += length }
    public func sendRTCP(_ packet: [UInt8]) {}
}

/// A sink that SRTP-protects every packet (AEAD_AES_128_GCM: OpenSSL EVP, or libsrtp with
/// CLASSBRIDGE_SRTP_ENGINE=libsrtp), as the real transport does before sendto.
public final class ProtectingSink: PacketSink {
    public let context: SRTPContext
    public var packets = 0
    public init() throws {
        context = try SRTPContext(profile: .aeadAES128GCM, masterKeyAndSalt: Array(repeating: 7, count: 28),
                                  direction: .outbound)
    }
    public func sendRTP(_ buffer: UnsafeMutableRawBufferPointer, length: Int) {
        if (try? context.protectRTP(buffer, length: length)) != nil { packets += 1 }
    }
    public func sendRTCP(_ packet: [UInt8]) {}
}

/// Send slots of 2,048 bytes, one per copy of a packet, used in turn: `UDPMediaSocket` queues a packet's copies in
/// its slots from the first on and sends them together, so the next packet's copies take the same slots again.
public final class SendSlots {
    static let capacity = 2048
    let count: Int
    let memory: UnsafeMutableRawBufferPointer
    var next = 0
    public init(count: Int) {
        self.count = count
        memory = .allocate(byteCount: count * Self.capacity, alignment: 16)
    }
    deinit { memory.deallocate() }
    var current: UnsafeMutableRawBufferPointer {
        UnsafeMutableRawBufferPointer(rebasing: memory[(next * Self.capacity)..<((next + 1) * Self.capacity)])
    }
    func advance() { next = (next + 1) % count }
}

/// A sink that protects every packet and queues it in the shared send slots, as a transport inside the media
/// loop's `sendingTogether` does, short of the `sendmmsg`. `buildsInSlot`: the down track writes each packet
/// straight into its slot (`PacketSink.sendBuffer`), as the transport has it; otherwise into the router's scratch,
/// and the sink copies it into the slot, as the transport did before.
public final class SlotSink: PacketSink {
    let slots: SendSlots
    let buildsInSlot: Bool
    let context: SRTPContext
    public var packets = 0
    public init(slots: SendSlots, buildsInSlot: Bool) throws {
        self.slots = slots
        self.buildsInSlot = buildsInSlot
        context = try SRTPContext(profile: .aeadAES128GCM, masterKeyAndSalt: Array(repeating: 7, count: 28),
                                  direction: .outbound)
    }
    public func sendBuffer(orElse scratch: UnsafeMutableRawBufferPointer) -> UnsafeMutableRawBufferPointer {
        buildsInSlot ? slots.current : scratch
    }
    public func sendRTP(_ buffer: UnsafeMutableRawBufferPointer, length: Int) {
        guard let protected = try? context.protectRTP(buffer, length: length) else { return }
        let slot = slots.current
        if buffer.baseAddress != slot.baseAddress {
            slot.baseAddress!.copyMemory(from: buffer.baseAddress!, byteCount: protected)
        }
        packets += 1
        slots.advance()
    }
    public func sendRTCP(_ packet: [UInt8]) {}
}

/// One publisher's video track fanned out to `subscribers` down tracks, with the extensions browsers negotiate.
public struct Fanout {
    public let router = Router()
    public let publisher: PeerMedia
    public var packet: [UInt8]
    public var sequence: UInt16 = 1000
    public var timestamp: UInt32 = 90_000

    public init(subscribers: Int, sink: () -> any PacketSink, keep: inout [any PacketSink]) {
        let publisherSink = CountingSink()
        keep.append(publisherSink)
        publisher = router.addPeer(id: "publisher", sink: publisherSink)
        let ids = HeaderExtensionIDs(mid: 4, audioLevel: 1, absSendTime: 2, transportCC: 3)
        publisher.publisherExtensionIDs = ids
        let receiver = router.publish(on: publisher, trackID: "camera", kind: .video,
                                      codec: TrackCodec(payloadType: 96, clockRate: 90000, rtxPayloadType: 97, nack: true),
                                      extensionIDs: ids, ssrc: 0x1234, rtxSSRC: 0x5678, mid: "1")
        for index in 0..<subscribers {
            let subscriberSink = sink()
            keep.append(subscriberSink)
            let subscriber = router.addPeer(id: "s\(index)", sink: subscriberSink)
            _ = router.subscribe(subscriber, to: receiver, subscriptionID: "2", ssrc: UInt32(100 + index),
                                 rtxSSRC: UInt32(200 + index),
                                 codec: TrackCodec(payloadType: 96, clockRate: 90000, rtxPayloadType: 97, nack: true),
                                 extensionIDs: ids, mid: "2")
        }
        // A 1,100-byte VP8 key frame start: descriptor S=1, payload header P=0.
        var payload = [UInt8](repeating: 0xAB, count: 1100)
        payload[0] = 0x10
        payload[1] = 0x00
        packet = RTPPacket(marker: false, payloadType: 96, sequenceNumber: 0, timestamp: 0, ssrc: 0x1234,
                           extensions: [RTPHeaderExtension(id: 4, value: Array("1".utf8)),
                                        RTPHeaderExtension(id: 3, value: [0, 0])],
                           payload: payload).serialize()
    }

    /// Makes `packet` the next one of the stream: sequence number, timestamp and transport-wide sequence number.
    public mutating func advance() {
        sequence &+= 1
        timestamp &+= 3000
        packet.withUnsafeMutableBytes { bytes in
            bytes.storeBytes(of: sequence.bigEndian, toByteOffset: 2, as: UInt16.self)
            bytes.storeBytes(of: timestamp.bigEndian, toByteOffset: 4, as: UInt32.self)
            // Header (12), extension header (4), mid (2), then the transport-cc element's two bytes after its own.
            bytes.storeBytes(of: sequence.bigEndian, toByteOffset: 19, as: UInt16.self)
        }
    }

    /// Feeds the next packet of the stream (what the media loop does after SRTP unprotect).
    public mutating func forwardOne(now: Double) {
        advance()
        packet.withUnsafeMutableBytes { bytes in
            router.handleRTP(from: publisher, packet: bytes, now: now, arrivalMicros: Int64(now * 1e6))
        }
    }
}
