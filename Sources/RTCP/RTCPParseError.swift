/// Why bytes are not a well-formed RTCP (compound) packet.
public enum RTCPParseError: Error, Equatable, Sendable {
    /// Fewer than 4 bytes left for a common header.
    case tooShort
    /// The version field is not 2.
    case badVersion(UInt8)
    /// The length field points past the end of the buffer.
    case lengthOverrun
    /// The P bit is set but the padding count is 0 or larger than the packet body.
    case badPadding
    /// A packet's body is shorter than its type and count demand, or holds an invalid value.
    case malformed(packetType: UInt8)
}
