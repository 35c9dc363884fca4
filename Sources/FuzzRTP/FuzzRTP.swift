import RTP
import FuzzSupport

/// libFuzzer's entry (`scripts/fuzz rtp`): the zero-copy view and the owning parser must agree, whatever parses
/// must re-serialize to the same packet, and the VP8 payload descriptor parser takes any payload.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRTP(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let raw = UnsafeRawBufferPointer(start: data, count: size)
    let bytes = Array(raw)
    let packet = try? RTPPacket(parsing: bytes)
    if let view = RTPView(raw) {
        view.forEachExtension { _, range in precondition(range.upperBound <= view.extensionRange.upperBound) }
        _ = view.extensionElement(id: 5)
        precondition(view.payloadRange.lowerBound == view.headerLength && view.payloadRange.upperBound <= size)
        _ = VP8PayloadDescriptor(UnsafeRawBufferPointer(rebasing: raw[view.payloadRange]))
        if let packet { precondition(packet.ssrc == view.ssrc && packet.sequenceNumber == view.sequenceNumber) }
    } else {
        precondition(packet == nil, "the parser took what the view refused")
    }
    if let packet { precondition((try? RTPPacket(parsing: packet.serialize())) == packet, "round trip") }
    _ = VP8PayloadDescriptor(raw)
    return 0
}

#if !FUZZING  // built with libFuzzer (`scripts/fuzz`), libFuzzer's main drives the target
@main struct Replay {
    static func main() { FuzzReplay.run(fuzzRTP) }
}
#endif
