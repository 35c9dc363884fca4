import Foundation

/// The fuzz targets' (`Sources/Fuzz*`) driver when they are built without libFuzzer: each argument, a file or a
/// folder of files, goes through the target once. So a crash that libFuzzer saved (`crash-…`) replays with
/// `swift run FuzzRTP crash-…`, and the seed corpus with `swift run FuzzRTP Tests/FuzzCorpus/rtp`.
/// Built with libFuzzer (`scripts/fuzz`: `--sanitize=fuzzer -DFUZZING`), a target has no main of its own and
/// libFuzzer's drives it.
public enum FuzzReplay {
    public static func run(_ target: (UnsafePointer<UInt8>?, Int) -> CInt,
                           arguments: [String] = Array(CommandLine.arguments.dropFirst())) {
        var count = 0
        for path in arguments {
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
                FileHandle.standardError.write(Data("no such file: \(path)\n".utf8))
                exit(2)
            }
            let files = isFolder.boolValue
                ? ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).sorted().map { "\(path)/\($0)" }
                : [path]
            for file in files {
                guard let data = FileManager.default.contents(atPath: file) else { continue }
                _ = [UInt8](data).withUnsafeBufferPointer { target($0.baseAddress, $0.count) }
                count += 1
            }
        }
        print("replayed \(count) input(s) without a failure")
    }
}
