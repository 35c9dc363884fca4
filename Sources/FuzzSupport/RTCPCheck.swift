import RTCP

/// RTCP (`scripts/fuzz rtcp`): whatever compound parses (reports, NACK, PLI, FIR, REMB, transport-cc feedback with
/// its chunks and deltas) must re-serialize to bytes that parse to the same packets. And the arrival times of any
/// transport-cc feedback in it, written straight into a buffer (`TransportWideFeedback.write`, as the SFU sends
/// it), must make the same bytes as `build` and `serialize` make from them (times from 0 on, as the SFU's).
public func checkRTCP(_ raw: UnsafeRawBufferPointer) throws(FuzzFailure) {
    guard let packets = try? RTCPCompound.parse(Array(raw)) else { return }
    try require((try? RTCPCompound.parse(RTCPCompound.serialize(packets))) == packets, "round trip")
    for case .transportWideFeedback(let parsed) in packets {
        let arrivals = parsed.arrivalMicros
        // The SFU's clock starts at 0 and `write` reads a negative time as "not received"; `build` needs a packet.
        guard !arrivals.isEmpty, arrivals.allSatisfy({ ($0.arrivalMicros ?? 0) >= 0 }) else { continue }
        let built = TransportWideFeedback.build(senderSSRC: parsed.senderSSRC, mediaSSRC: parsed.mediaSSRC,
                                                feedbackPacketCount: parsed.feedbackPacketCount, arrivals: arrivals)
        let expected = RTCPCompound.serialize([.transportWideFeedback(built)])
        let micros = arrivals.map { $0.arrivalMicros ?? -1 }
        var symbols = [UInt8](repeating: 0, count: micros.count)
        var out = [UInt8](repeating: 0, count: expected.count)
        let length = micros.withUnsafeBufferPointer { micros in
            symbols.withUnsafeMutableBufferPointer { symbols in
                out.withUnsafeMutableBytes {
                    TransportWideFeedback.write(senderSSRC: parsed.senderSSRC, mediaSSRC: parsed.mediaSSRC,
                                                baseSequenceNumber: parsed.baseSequenceNumber,
                                                feedbackPacketCount: parsed.feedbackPacketCount,
                                                arrivalsMicros: micros, symbols: symbols, into: $0)
                }
            }
        }
        try require(length == expected.count && out == expected, "transport-cc write matches build and serialize")
    }
}
