/// A property of a wire format that an input broke (a round trip, two parsers disagreeing). The fuzz targets trap
/// on it, so that libFuzzer keeps the input; the corpus tests (`Tests/FuzzCorpusTests`) report it.
public struct FuzzFailure: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// Throws `FuzzFailure(what)` unless `condition` holds.
@inline(__always)
func require(_ condition: Bool, _ what: @autoclosure () -> String) throws(FuzzFailure) {
    if !condition { throw FuzzFailure(what()) }
}

/// What a fuzz target's `LLVMFuzzerTestOneInput` does with libFuzzer's bytes: runs `check` and traps on a failure.
public func fuzzEntry(_ data: UnsafePointer<UInt8>?, _ size: Int,
                      _ check: (UnsafeRawBufferPointer) throws(FuzzFailure) -> Void) -> CInt {
    do { try check(UnsafeRawBufferPointer(start: data, count: size)) } catch { fatalError(error.description) }
    return 0
}
