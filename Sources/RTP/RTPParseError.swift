/// Why a buffer is not a well-formed RTP packet (RFC 3550 §5.1).
public enum RTPParseError: Error, Equatable, Sendable {
    /// Fewer than the 12 bytes of the fixed header.
    case tooShort
    /// The version field is not 2.
    case badVersion(UInt8)
    /// The CSRC list runs past the end of the buffer.
    case csrcOverrun
    /// The header extension (its 4-byte header or its elements) runs past the end of the buffer.
    case extensionOverrun
    /// The P bit is set but the padding count is 0 or larger than what follows the header.
    case badPadding
    /// The extension block uses a profile other than RFC 8285's one-byte (0xBEDE) or two-byte (0x100x) forms;
    /// only `RTPPacket` (the owning type) rejects these, `RTPView` accepts them and yields no elements.
    case unsupportedExtensionProfile(UInt16)
    /// An extension element is malformed (e.g. its length runs past the extension block).
    case malformedExtension
}
