import FuzzSupport
import Glibc

/// One fuzz target for every format a peer can send us (`FuzzFormat`). Under libFuzzer (`scripts/fuzz`, built with
/// `-DFUZZING`) the format comes from `CLASSBRIDGE_FUZZ_FORMAT`, since libFuzzer owns the arguments. Built normally
/// it replays files: `swift run Fuzz rtp crash-…` (a file, or a folder of them).
nonisolated(unsafe) let check = {
    let name = getenv("CLASSBRIDGE_FUZZ_FORMAT").map { String(cString: $0) } ?? ""
    guard let format = FuzzFormat(rawValue: name) else {
        fatalError("CLASSBRIDGE_FUZZ_FORMAT must be one of \(FuzzFormat.allCases.map(\.rawValue)), not '\(name)'")
    }
    return format.makeCheck()
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt { fuzzEntry(data, size, check) }

#if !FUZZING
@main struct Replay {
    static func main() {
        let arguments = CommandLine.arguments.dropFirst()
        guard let name = arguments.first, let format = FuzzFormat(rawValue: name), arguments.count > 1 else {
            print("usage: Fuzz <\(FuzzFormat.allCases.map(\.rawValue).joined(separator: "|"))> <file or folder>...")
            exit(2)
        }
        FuzzReplay.run(format.makeCheck(), arguments: Array(arguments.dropFirst()))
    }
}
#endif
