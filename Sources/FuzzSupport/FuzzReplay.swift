import Foundation

/// The fuzz target's (`Sources/Fuzz`) driver when it is built without libFuzzer: each argument, a file or a folder
/// of files, goes through the format's check once. So a crash that libFuzzer saved (`crash-…`) replays with
/// `swift run Fuzz rtp crash-…`, and the seed corpus with `swift run Fuzz rtp Tests/FuzzCorpus/rtp`.
/// Built with libFuzzer (`scripts/fuzz`: `--sanitize=fuzzer -DFUZZING`), the target has no main of its own and
/// libFuzzer's drives it.
public enum FuzzReplay {
    public static func run(_ check: (UnsafeRawBufferPointer) throws(FuzzFailure) -> Void,
                           arguments: [String] = Array(CommandLine.arguments.dropFirst())) {
        var count = 0
        var failures = 0
        for path in arguments {
            guard let files = files(at: path) else {
                FileHandle.standardError.write(Data("no such file: \(path)\n".utf8))
                exit(2)
            }
            for file in files {
                guard let data = FileManager.default.contents(atPath: file) else { continue }
                if let failure = failure(of: check, on: data) {
                    print("\(file): \(failure)")
                    failures += 1
                }
                count += 1
            }
        }
        print("replayed \(count) input(s), \(failures) failure(s)")
        if failures > 0 { exit(1) }
    }

    /// What `check` found wrong with `data`, if anything.
    public static func failure(of check: (UnsafeRawBufferPointer) throws(FuzzFailure) -> Void,
                               on data: Data) -> FuzzFailure? {
        // A `Result`, not a typed-throws closure through `withUnsafeBytes`: Swift 6.3.1 crashes emitting that thunk.
        data.withUnsafeBytes { raw in Result { () throws(FuzzFailure) in try check(raw) } }.failure
    }

    /// The file at `path`, or the files in the folder at `path` (sorted by name, not its subfolders); nil if there is
    /// nothing there.
    public static func files(at path: String) -> [String]? {
        guard let isFolder = isFolder(path) else { return nil }
        guard isFolder else { return [path] }
        return ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).sorted().map { "\(path)/\($0)" }
            .filter { Self.isFolder($0) == false }
    }

    private static func isFolder(_ path: String) -> Bool? {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else { return nil }
        return isFolder.boolValue
    }
}

extension Result {
    fileprivate var failure: Failure? {
        if case .failure(let failure) = self { failure } else { nil }
    }
}
