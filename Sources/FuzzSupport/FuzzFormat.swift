/// The formats a peer can send us, each with its check and the folders that seed its fuzzing (besides
/// `Tests/FuzzCorpus/<format>`): what `scripts/fuzz`, the `Fuzz` executable and `FuzzCorpusTests` share.
public enum FuzzFormat: String, CaseIterable, Sendable {
    case rtp, rtcp, stun, sdp, signaling

    /// A fresh check: STUN's keeps an ICE-lite agent across inputs, as a transport does across datagrams.
    public func makeCheck() -> (UnsafeRawBufferPointer) throws(FuzzFailure) -> Void {
        switch self {
        case .rtp: checkRTP
        case .rtcp: checkRTCP
        case .stun: STUNCheck().check
        case .sdp: checkSDP
        case .signaling: checkSignaling
        }
    }

    /// Seed folders beyond `Tests/FuzzCorpus/<format>`, relative to the package root.
    public var extraSeedFolders: [String] {
        switch self {
        case .sdp: ["Tests/SDPTests/Fixtures"]
        case .signaling: ["Signaling/golden"]
        default: []
        }
    }
}
