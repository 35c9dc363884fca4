/// The class bits C1 C0 of a STUN message type (RFC 8489 §5).
public enum STUNClass: UInt8, Hashable, Sendable {
    case request = 0b00
    case indication = 0b01
    case successResponse = 0b10
    case errorResponse = 0b11
}

/// A STUN message type: a 12-bit method and a class, interleaved on the wire as
/// `M11 M10 M9 M8 M7 C1 M6 M5 M4 C0 M3 M2 M1 M0` under two leading zero bits.
public struct STUNMessageType: Hashable, Sendable, CustomStringConvertible {
    public var method: UInt16
    public var messageClass: STUNClass

    public init(method: UInt16, messageClass: STUNClass) {
        self.method = method & 0x0FFF
        self.messageClass = messageClass
    }

    /// Decodes the 14 significant bits of the first header word; the two top bits are ignored.
    public init(rawValue: UInt16) {
        let c = (rawValue >> 4 & 0b01) | (rawValue >> 7 & 0b10)
        let m = (rawValue & 0x000F) | (rawValue >> 1 & 0x0070) | (rawValue >> 2 & 0x0F80)
        self.init(method: m, messageClass: STUNClass(rawValue: UInt8(c))!)
    }

    /// The 16-bit value written at the start of the header.
    public var rawValue: UInt16 {
        let m = method & 0x0FFF
        let c = UInt16(messageClass.rawValue)
        return (m & 0x000F) | (m & 0x0070) << 1 | (m & 0x0F80) << 2 | (c & 0b01) << 4 | (c & 0b10) << 7
    }

    public static let bindingMethod: UInt16 = 0x001
    public static let bindingRequest = STUNMessageType(method: bindingMethod, messageClass: .request)      // 0x0001
    public static let bindingIndication = STUNMessageType(method: bindingMethod, messageClass: .indication) // 0x0011
    public static let bindingSuccess = STUNMessageType(method: bindingMethod, messageClass: .successResponse) // 0x0101
    public static let bindingError = STUNMessageType(method: bindingMethod, messageClass: .errorResponse)   // 0x0111

    public var description: String {
        let m = method == Self.bindingMethod ? "Binding" : "method 0x\(String(method, radix: 16))"
        return "\(m) \(messageClass)"
    }
}

/// Why a datagram is not a well-formed STUN message.
public enum STUNError: Error, Hashable, Sendable {
    /// Fewer than 20 bytes, or fewer bytes than the header's length field announces.
    case truncated
    /// The two leading bits of the type are not zero.
    case notSTUN
    /// The magic cookie is not 0x2112A442 (an RFC 3489 message or not STUN at all).
    case badMagicCookie
    /// The header length is not a multiple of 4, or does not match the datagram's size.
    case badLength
    /// An attribute's length runs past the end of the message.
    case attributeOverrun(type: UInt16)
    /// An attribute known to this module has a value of the wrong size or content.
    case invalidAttribute(type: UInt16)
}

/// Attribute type codes (RFC 8489 §18.3, RFC 8445 §16.1).
public enum STUNAttributeType {
    public static let mappedAddress: UInt16 = 0x0001
    public static let username: UInt16 = 0x0006
    public static let messageIntegrity: UInt16 = 0x0008
    public static let errorCode: UInt16 = 0x0009
    public static let unknownAttributes: UInt16 = 0x000A
    public static let realm: UInt16 = 0x0014
    public static let nonce: UInt16 = 0x0015
    public static let messageIntegritySHA256: UInt16 = 0x001C
    public static let xorMappedAddress: UInt16 = 0x0020
    public static let priority: UInt16 = 0x0024
    public static let useCandidate: UInt16 = 0x0025
    public static let software: UInt16 = 0x8022
    public static let fingerprint: UInt16 = 0x8028
    public static let iceControlled: UInt16 = 0x8029
    public static let iceControlling: UInt16 = 0x802A
}
