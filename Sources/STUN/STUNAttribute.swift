/// One STUN attribute as a value. Attributes this module does not interpret are kept as `.unknown` with their raw
/// value (without padding), so a parsed message can be re-serialized.
public enum STUNAttribute: Equatable, Sendable {
    case username(String)
    case xorMappedAddress(TransportAddress)
    case mappedAddress(TransportAddress)
    case priority(UInt32)
    case useCandidate
    case iceControlling(UInt64)
    case iceControlled(UInt64)
    /// `code` is the full number (e.g. 487); the reason phrase is free UTF-8 text.
    case errorCode(code: Int, reason: String)
    /// The 20-byte HMAC-SHA1 as found on the wire. `serialize(integrityKey:)` computes a fresh one instead.
    case messageIntegrity([UInt8])
    /// The CRC-32 value as found on the wire. `serialize(addFingerprint:)` computes a fresh one instead.
    case fingerprint(UInt32)
    case software(String)
    case unknown(type: UInt16, value: [UInt8])

    /// The attribute type code written on the wire.
    public var type: UInt16 {
        switch self {
        case .username: STUNAttributeType.username
        case .xorMappedAddress: STUNAttributeType.xorMappedAddress
        case .mappedAddress: STUNAttributeType.mappedAddress
        case .priority: STUNAttributeType.priority
        case .useCandidate: STUNAttributeType.useCandidate
        case .iceControlling: STUNAttributeType.iceControlling
        case .iceControlled: STUNAttributeType.iceControlled
        case .errorCode: STUNAttributeType.errorCode
        case .messageIntegrity: STUNAttributeType.messageIntegrity
        case .fingerprint: STUNAttributeType.fingerprint
        case .software: STUNAttributeType.software
        case .unknown(let type, _): type
        }
    }

    // MARK: - Decoding

    /// Decodes one attribute value (padding excluded). XOR-MAPPED-ADDRESS needs the transaction ID.
    static func decode(type: UInt16, value v: UnsafeRawBufferPointer,
                       transactionID: [UInt8]) throws(STUNError) -> STUNAttribute {
        func require(_ ok: Bool) throws(STUNError) { if !ok { throw .invalidAttribute(type: type) } }
        switch type {
        case STUNAttributeType.username:
            guard let name = String(validating: v, as: UTF8.self) else { throw .invalidAttribute(type: type) }
            return .username(name)
        case STUNAttributeType.mappedAddress:
            return .mappedAddress(try decodeAddress(v, type: type, xorWith: nil))
        case STUNAttributeType.xorMappedAddress:
            return .xorMappedAddress(try decodeAddress(v, type: type, xorWith: transactionID))
        case STUNAttributeType.priority:
            try require(v.count == 4)
            return .priority(readUInt32(v, 0))
        case STUNAttributeType.useCandidate:
            try require(v.count == 0)
            return .useCandidate
        case STUNAttributeType.iceControlling:
            try require(v.count == 8)
            return .iceControlling(readUInt64(v, 0))
        case STUNAttributeType.iceControlled:
            try require(v.count == 8)
            return .iceControlled(readUInt64(v, 0))
        case STUNAttributeType.errorCode:
            try require(v.count >= 4 && v[3] <= 99)
            let code = Int(v[2] & 0x07) * 100 + Int(v[3])
            return .errorCode(code: code, reason: String(decoding: v[4...], as: UTF8.self))
        case STUNAttributeType.messageIntegrity:
            try require(v.count == 20)
            return .messageIntegrity(Array(v))
        case STUNAttributeType.fingerprint:
            try require(v.count == 4)
            return .fingerprint(readUInt32(v, 0))
        case STUNAttributeType.software:
            return .software(String(decoding: v, as: UTF8.self))
        default:
            return .unknown(type: type, value: Array(v))
        }
    }

    private static func decodeAddress(_ v: UnsafeRawBufferPointer, type: UInt16,
                                      xorWith transactionID: [UInt8]?) throws(STUNError) -> TransportAddress {
        guard v.count >= 4 else { throw .invalidAttribute(type: type) }
        let xor = transactionID != nil
        let port = readUInt16(v, 2) ^ (xor ? UInt16(STUNMessage.magicCookie >> 16) : 0)
        switch (v[1], v.count) {
        case (0x01, 8):
            let address = readUInt32(v, 4) ^ (xor ? STUNMessage.magicCookie : 0)
            return TransportAddress(ip: .v4(address), port: port)
        case (0x02, 20):
            var hi = readUInt64(v, 4)
            var lo = readUInt64(v, 12)
            if let id = transactionID {
                hi ^= UInt64(STUNMessage.magicCookie) << 32 | id[0..<4].reduce(0) { $0 << 8 | UInt64($1) }
                lo ^= id[4..<12].reduce(0) { $0 << 8 | UInt64($1) }
            }
            return TransportAddress(ip: .v6(hi, lo), port: port)
        default:
            throw .invalidAttribute(type: type)
        }
    }

    // MARK: - Encoding

    /// Appends type, length, value and zero padding to a 4-byte boundary.
    func encode(into out: inout [UInt8], transactionID: [UInt8]) {
        let start = out.count
        appendUInt16(&out, type)
        appendUInt16(&out, 0)  // length, patched below
        switch self {
        case .username(let s), .software(let s):
            out += s.utf8
        case .mappedAddress(let a):
            Self.encodeAddress(a, into: &out, xorWith: nil)
        case .xorMappedAddress(let a):
            Self.encodeAddress(a, into: &out, xorWith: transactionID)
        case .priority(let p):
            appendUInt32(&out, p)
        case .useCandidate:
            break
        case .iceControlling(let t), .iceControlled(let t):
            appendUInt64(&out, t)
        case .errorCode(let code, let reason):
            let clamped = max(0, min(code, 799))
            out += [0, 0, UInt8(clamped / 100), UInt8(clamped % 100)]
            out += reason.utf8
        case .messageIntegrity(let mac):
            out += mac
        case .fingerprint(let crc):
            appendUInt32(&out, crc)
        case .unknown(_, let value):
            out += value
        }
        let length = out.count - start - 4
        out[start + 2] = UInt8(truncatingIfNeeded: length >> 8)
        out[start + 3] = UInt8(truncatingIfNeeded: length)
        out += repeatElement(0, count: (4 - length % 4) % 4)
    }

    private static func encodeAddress(_ a: TransportAddress, into out: inout [UInt8], xorWith id: [UInt8]?) {
        let xor = id != nil
        switch a.ip {
        case .v4(let address):
            out += [0, 0x01]
            appendUInt16(&out, a.port ^ (xor ? UInt16(STUNMessage.magicCookie >> 16) : 0))
            appendUInt32(&out, address ^ (xor ? STUNMessage.magicCookie : 0))
        case .v6(var hi, var lo):
            out += [0, 0x02]
            appendUInt16(&out, a.port ^ (xor ? UInt16(STUNMessage.magicCookie >> 16) : 0))
            if let id {
                hi ^= UInt64(STUNMessage.magicCookie) << 32 | id[0..<4].reduce(0) { $0 << 8 | UInt64($1) }
                lo ^= id[4..<12].reduce(0) { $0 << 8 | UInt64($1) }
            }
            appendUInt64(&out, hi)
            appendUInt64(&out, lo)
        }
    }
}

// MARK: - Big-endian helpers (callers check bounds)

@inline(__always) func readUInt16(_ b: UnsafeRawBufferPointer, _ i: Int) -> UInt16 {
    UInt16(b[i]) << 8 | UInt16(b[i + 1])
}

@inline(__always) func readUInt32(_ b: UnsafeRawBufferPointer, _ i: Int) -> UInt32 {
    UInt32(readUInt16(b, i)) << 16 | UInt32(readUInt16(b, i + 2))
}

@inline(__always) func readUInt64(_ b: UnsafeRawBufferPointer, _ i: Int) -> UInt64 {
    UInt64(readUInt32(b, i)) << 32 | UInt64(readUInt32(b, i + 4))
}

@inline(__always) func appendUInt16(_ out: inout [UInt8], _ v: UInt16) {
    out.append(UInt8(truncatingIfNeeded: v >> 8))
    out.append(UInt8(truncatingIfNeeded: v))
}

@inline(__always) func appendUInt32(_ out: inout [UInt8], _ v: UInt32) {
    appendUInt16(&out, UInt16(truncatingIfNeeded: v >> 16))
    appendUInt16(&out, UInt16(truncatingIfNeeded: v))
}

@inline(__always) func appendUInt64(_ out: inout [UInt8], _ v: UInt64) {
    appendUInt32(&out, UInt32(truncatingIfNeeded: v >> 32))
    appendUInt32(&out, UInt32(truncatingIfNeeded: v))
}
