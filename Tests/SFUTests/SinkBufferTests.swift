import Testing
import RTP
import RTCP
@testable import SFU

/// A sink that offers memory of its own to build packets in, as a transport offers its socket's send slot.
final class SlotSink: PacketSink {
    let slot = UnsafeMutableRawBufferPointer.allocate(byteCount: 2048, alignment: 16)
    var rtp: [[UInt8]] = []
    var builtElsewhere = 0

    deinit { slot.deallocate() }

    func sendBuffer(orElse scratch: UnsafeMutableRawBufferPointer) -> UnsafeMutableRawBufferPointer {
        slot.initializeMemory(as: UInt8.self, repeating: 0xEE)  // nothing left over from the last packet helps
        return slot
    }

    func sendRTP(_ buffer: UnsafeMutableRawBufferPointer, length: Int) {
        if buffer.baseAddress != slot.baseAddress { builtElsewhere += 1 }
        rtp.append(Array(buffer[0..<length]))
    }

    func sendRTCP(_ packet: [UInt8]) {}
}

/// Down tracks build each outgoing packet where the sink asks (`PacketSink.sendBuffer`), forwarded or retransmitted,
/// and a sink without memory of its own still gets them built in the router's scratch.
@Suite struct SinkBufferTests {
    let router = Router()
    let publisherSink = RecordingSink()
    let slotSink = SlotSink()
    let scratchSink = RecordingSink()

    @Test func packetsAreBuiltInTheSinksOwnMemoryWhenItOffersSome() throws {
        let publisher = router.addPeer(id: "pub", sink: publisherSink)
        let ids = HeaderExtensionIDs(mid: 4, transportCC: 3)
        publisher.publisherExtensionIDs = ids
        let receiver = router.publish(on: publisher, trackID: "T-cam", kind: .video,
                                      codec: TrackCodec(payloadType: 96, clockRate: 90000, nack: true),
                                      extensionIDs: ids, ssrc: 1111, rtxSSRC: nil, mid: "1")
        var subscribers: [PeerMedia] = []
        for (index, sink) in [slotSink as any PacketSink, scratchSink].enumerated() {
            let subscriber = router.addPeer(id: "sub\(index)", sink: sink)
            _ = router.subscribe(subscriber, to: receiver, subscriptionID: "5", ssrc: 7777, rtxSSRC: 7778,
                                 codec: TrackCodec(payloadType: 100, clockRate: 90000, rtxPayloadType: 101, nack: true),
                                 extensionIDs: HeaderExtensionIDs(mid: 1, transportCC: 5), mid: "5")
            subscribers.append(subscriber)
        }
        for (sequence, keyframe) in [(UInt16(30), true), (31, false)] {
            var bytes = vp8Packet(ssrc: 1111, sequence: sequence, timestamp: UInt32(sequence) * 3000, keyframe: keyframe)
            bytes.withUnsafeMutableBytes {
                router.handleRTP(from: publisher, packet: $0, now: 0.01 * Double(sequence), arrivalMicros: 0)
            }
        }
        let lost = try RTPPacket(parsing: slotSink.rtp[1])
        var nack = RTCPCompound.serialize([.genericNACK(GenericNACK(senderSSRC: 42, mediaSSRC: 7777,
                                                                     lost: [lost.sequenceNumber]))])
        nack.withUnsafeMutableBytes { router.handleRTCP(from: subscribers[0], packet: $0, now: 0.5) }

        #expect(slotSink.rtp.count == 3 && slotSink.builtElsewhere == 0)
        #expect(scratchSink.rtp.count == 2)
        for (built, copied) in zip(slotSink.rtp, scratchSink.rtp) {
            let a = try RTPPacket(parsing: built), b = try RTPPacket(parsing: copied)
            #expect(a.ssrc == 7777 && a.payloadType == 100 && a.payload == b.payload && a.extensions.count == 2)
        }
        let rtx = try RTPPacket(parsing: slotSink.rtp[2])
        #expect(rtx.ssrc == 7778 && rtx.payloadType == 101)
        #expect(Array(rtx.payload.dropFirst(2)) == lost.payload)
    }
}
