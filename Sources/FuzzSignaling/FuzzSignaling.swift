import FuzzSupport

/// libFuzzer's entry (`scripts/fuzz signaling`); the check is `checkSignaling`.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSignaling(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt { fuzzEntry(data, size, checkSignaling) }

#if !FUZZING  // built with libFuzzer (`scripts/fuzz`), libFuzzer's main drives the target
@main struct Replay {
    static func main() { FuzzReplay.run(checkSignaling) }
}
#endif
