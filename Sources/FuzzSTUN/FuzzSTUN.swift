import ICE
import STUN
import FuzzSupport

nonisolated(unsafe) var agent = ICELiteAgent(local: ICECredentials(ufrag: "evtj", password: "VOkJxbRl1RmTxUk/WvJxBt"),
                                             remoteUfrag: "", consentTimeout: 30)
nonisolated(unsafe) var clock = 0.0

/// libFuzzer's entry (`scripts/fuzz stun`): the checks the media path runs on a datagram from anyone (framing,
/// integrity, fingerprint, the ufrag used for routing, an ICE-lite agent's whole handling), and whatever parses
/// must re-serialize to the same message.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSTUN(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let raw = UnsafeRawBufferPointer(start: data, count: size)
    _ = STUNMessage.isSTUN(raw)
    _ = STUNMessage.verifyIntegrity(raw, key: Array("VOkJxbRl1RmTxUk/WvJxBt".utf8))
    _ = STUNMessage.verifyFingerprint(raw)
    _ = stunLocalUfrag(raw)
    clock += 1
    _ = agent.handle(stun: raw, from: TransportAddress(ip: .v4(0x7F00_0001), port: 9), now: clock)
    _ = agent.tick(now: clock)
    if let message = try? STUNMessage(parsing: raw) {
        precondition((try? STUNMessage(parsing: message.serialize())) == message, "round trip")
    }
    return 0
}

#if !FUZZING  // built with libFuzzer (`scripts/fuzz`), libFuzzer's main drives the target
@main struct Replay {
    static func main() { FuzzReplay.run(fuzzSTUN) }
}
#endif
