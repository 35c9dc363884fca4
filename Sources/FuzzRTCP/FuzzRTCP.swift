import FuzzSupport

/// libFuzzer's entry (`scripts/fuzz rtcp`); the check is `checkRTCP`.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRTCP(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt { fuzzEntry(data, size, checkRTCP) }

#if !FUZZING  // built with libFuzzer (`scripts/fuzz`), libFuzzer's main drives the target
@main struct Replay {
    static func main() { FuzzReplay.run(checkRTCP) }
}
#endif
