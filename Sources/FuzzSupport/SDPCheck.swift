import SDP

/// SDP (`scripts/fuzz sdp`): any text (as the `offer` message carries it) either fails to parse with an error or
/// parses to a description that serializes to text that parses to the same; the WebRTC offer checks and the answer
/// built from what they accept must not trap.
public func checkSDP(_ raw: UnsafeRawBufferPointer) throws(FuzzFailure) {
    let text = String(decoding: raw, as: UTF8.self)
    guard let description = try? SessionDescription(parsing: text) else { return }
    try require((try? SessionDescription(parsing: description.serialize())) == description, "round trip")
    if let offer = try? WebRTCOffer(description) {
        let plans = Dictionary(offer.media.compactMap { $0.mid }.map { ($0, MediaAnswerPlan.receive) },
                               uniquingKeysWith: { first, _ in first })
        _ = buildAnswer(offer: offer, plans: plans, options: AnswerOptions(
            iceUfrag: "abcd", icePwd: "abcdefghijklmnopqrstuvwx", fingerprintSHA256: "00", setup: .passive,
            candidateAddresses: ["127.0.0.1"], candidatePort: 9, sessionID: 1, sessionVersion: 1))
    }
}
