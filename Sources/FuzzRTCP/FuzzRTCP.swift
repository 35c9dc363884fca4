import RTCP
import FuzzSupport

/// libFuzzer's entry (`scripts/fuzz rtcp`): whatever compound parses (reports, NACK, PLI, FIR, REMB, transport-cc
/// feedback with its chunks and deltas) must re-serialize to bytes that parse to the same packets.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRTCP(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = Array(UnsafeRawBufferPointer(start: data, count: size))
    guard let packets = try? RTCPCompound.parse(bytes) else { return 0 }
    precondition((try? RTCPCompound.parse(RTCPCompound.serialize(packets))) == packets, "round trip")
    return 0
}

#if !FUZZING  // built with libFuzzer (`scripts/fuzz`), libFuzzer's main drives the target
@main struct Replay {
    static func main() { FuzzReplay.run(fuzzRTCP) }
}
#endif
