import SignalingWire

/// Signaling (`scripts/fuzz signaling`): any text frame a client can send either decodes to a message that encodes
/// to text that decodes to the same, or fails with one of the two codes PROTOCOL.md (§6, `error`) gives for it. The
/// server answers every frame this way, so a trap here would end every lesson on the server.
public func checkSignaling(_ raw: UnsafeRawBufferPointer) throws(FuzzFailure) {
    let text = String(decoding: raw, as: UTF8.self)
    let message: ClientMessage
    do { message = try ClientMessage.decode(text) } catch {
        try require(error.code == "malformed" || error.code == "unknown_type", "error code \(error.code)")
        return
    }
    try require((try? ClientMessage.decode(message.encoded())) == message, "round trip")
}
