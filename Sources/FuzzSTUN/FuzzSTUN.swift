import FuzzSupport

nonisolated(unsafe) let stun = STUNCheck()

/// libFuzzer's entry (`scripts/fuzz stun`); the check is `STUNCheck`, whose ICE-lite agent lives across inputs.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSTUN(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt { fuzzEntry(data, size, stun.check) }

#if !FUZZING  // built with libFuzzer (`scripts/fuzz`), libFuzzer's main drives the target
@main struct Replay {
    static func main() { FuzzReplay.run(stun.check) }
}
#endif
