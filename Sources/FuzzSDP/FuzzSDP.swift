import FuzzSupport

/// libFuzzer's entry (`scripts/fuzz sdp`); the check is `checkSDP`.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSDP(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt { fuzzEntry(data, size, checkSDP) }

#if !FUZZING  // built with libFuzzer (`scripts/fuzz`), libFuzzer's main drives the target
@main struct Replay {
    static func main() { FuzzReplay.run(checkSDP) }
}
#endif
