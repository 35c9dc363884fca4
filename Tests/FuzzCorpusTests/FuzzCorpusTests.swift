import Testing
import Foundation
import FuzzSupport

/// Every committed fuzz input (the seeds and the inputs that once broke something, Tests/FuzzCorpus/<format>, and
/// the other seed folders `scripts/fuzz` uses) still passes its format's check, in an ordinary test run without
/// libFuzzer or sanitizers.
@Suite struct FuzzCorpusTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// The files of the folders `scripts/fuzz` seeds `format` with.
    static func inputs(_ format: FuzzFormat) throws -> [String] {
        try (["Tests/FuzzCorpus/\(format.rawValue)"] + format.extraSeedFolders).flatMap { folder in
            try #require(FuzzReplay.files(at: root.appendingPathComponent(folder).path), "\(folder) is missing")
        }
    }

    @Test(arguments: FuzzFormat.allCases)
    func committedInputsPass(format: FuzzFormat) throws {
        let files = try Self.inputs(format)
        #expect(!files.isEmpty)
        let check = format.makeCheck()
        for file in files {
            let data = try Data(contentsOf: URL(fileURLWithPath: file))
            if let failure = FuzzReplay.failure(of: check, on: data) { Issue.record("\(file): \(failure)") }
        }
    }

    /// A check that fails is reported, not trapped: so a regression shows here as a failed test.
    @Test func failuresAreReported() {
        let failing: (UnsafeRawBufferPointer) throws(FuzzFailure) -> Void = { raw throws(FuzzFailure) in
            if raw.count == 4 { throw FuzzFailure("four bytes") }
        }
        #expect(FuzzReplay.failure(of: failing, on: Data([0x80, 0x60, 0, 1]))?.description == "four bytes")
        #expect(FuzzReplay.failure(of: failing, on: Data([0x80])) == nil)
    }
}
