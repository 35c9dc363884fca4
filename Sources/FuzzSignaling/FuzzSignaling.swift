import SignalingWire
import FuzzSupport

/// libFuzzer's entry (`scripts/fuzz signaling`): any text frame a client can send either decodes to a message that
/// encodes to text that decodes to the same, or fails with one of the two codes PROTOCOL.md (§6, `error`) gives for it. The
/// server answers every frame this way, so a trap here would end every lesson on the server.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSignaling(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeRawBufferPointer(start: data, count: size), as: UTF8.self)
    do {
        let message = try ClientMessage.decode(text)
        precondition((try? ClientMessage.decode(message.encoded())) == message, "round trip")
    } catch {
        precondition(error.code == "malformed" || error.code == "unknown_type", "code \(error.code)")
    }
    return 0
}

#if !FUZZING  // built with libFuzzer (`scripts/fuzz`), libFuzzer's main drives the target
@main struct Replay {
    static func main() { FuzzReplay.run(fuzzSignaling) }
}
#endif
