import FuzzSupport

/// libFuzzer's entry (`scripts/fuzz rtp`); the check is `checkRTP`.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRTP(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt { fuzzEntry(data, size, checkRTP) }

#if !FUZZING  // built with libFuzzer (`scripts/fuzz`), libFuzzer's main drives the target
@main struct Replay {
    static func main() { FuzzReplay.run(checkRTP) }
}
#endif
