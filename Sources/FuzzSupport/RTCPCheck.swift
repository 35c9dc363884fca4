import RTCP

/// RTCP (`scripts/fuzz rtcp`): whatever compound parses (reports, NACK, PLI, FIR, REMB, transport-cc feedback with
/// its chunks and deltas) must re-serialize to bytes that parse to the same packets.
public func checkRTCP(_ raw: UnsafeRawBufferPointer) throws(FuzzFailure) {
    guard let packets = try? RTCPCompound.parse(Array(raw)) else { return }
    try require((try? RTCPCompound.parse(RTCPCompound.serialize(packets))) == packets, "round trip")
}
