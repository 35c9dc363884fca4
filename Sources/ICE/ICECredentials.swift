import STUN

/// Local ICE credentials (`a=ice-ufrag` / `a=ice-pwd`, RFC 8839 §5.4).
public struct ICECredentials: Sendable, Equatable {
    public var ufrag: String
    public var password: String

    public init(ufrag: String, password: String) {
        self.ufrag = ufrag
        self.password = password
    }

    /// ice-char = ALPHA / DIGIT / "+" / "/".
    static let iceChars = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")

    /// An 8-character ufrag (48 random bits; RFC 8445 asks for at least 24) and a 24-character password
    /// (144 bits; at least 128 required), drawn from `SystemRandomNumberGenerator`.
    public static func random() -> ICECredentials {
        var rng = SystemRandomNumberGenerator()
        func draw(_ count: Int) -> String {
            String((0..<count).map { _ in iceChars[Int.random(in: 0..<iceChars.count, using: &rng)] })
        }
        return ICECredentials(ufrag: draw(8), password: draw(24))
    }
}

/// Extracts the local ufrag (the part before the first ':') of a Binding request's USERNAME, without verifying
/// anything else: for routing a datagram from an unknown address to the agent that owns the ufrag. Nil if the
/// bytes are not a well-framed Binding request with a UTF-8 USERNAME containing ':'.
public func stunLocalUfrag(_ bytes: UnsafeRawBufferPointer) -> String? {
    guard STUNMessage.isSTUN(bytes), bytes[0] == 0x00, bytes[1] == 0x01,
          let range = STUNMessage.findAttribute(STUNAttributeType.username, in: bytes) else { return nil }
    let value = bytes[range]
    guard let colon = value.firstIndex(of: UInt8(ascii: ":")) else { return nil }
    return String(validating: bytes[range.lowerBound..<colon], as: UTF8.self)
}
