// Bounds-checked big-endian reading and appending. Internal to the module.

/// Reads big-endian fields from one packet's body, throwing `.malformed` instead of trapping on truncation.
struct ByteReader {
    let bytes: UnsafeRawBufferPointer
    let packetType: UInt8
    private(set) var offset = 0

    init(_ bytes: UnsafeRawBufferPointer, packetType: UInt8) {
        self.bytes = bytes
        self.packetType = packetType
    }

    var remaining: Int { bytes.count - offset }

    mutating func need(_ n: Int) throws(RTCPParseError) {
        guard n >= 0, remaining >= n else { throw .malformed(packetType: packetType) }
    }

    mutating func skip(_ n: Int) throws(RTCPParseError) {
        try need(n)
        offset += n
    }

    mutating func uint8() throws(RTCPParseError) -> UInt8 {
        try need(1)
        defer { offset += 1 }
        return bytes[offset]
    }

    mutating func uint16() throws(RTCPParseError) -> UInt16 {
        try need(2)
        defer { offset += 2 }
        return UInt16(bytes[offset]) << 8 | UInt16(bytes[offset + 1])
    }

    mutating func uint24() throws(RTCPParseError) -> UInt32 {
        try need(3)
        defer { offset += 3 }
        return UInt32(bytes[offset]) << 16 | UInt32(bytes[offset + 1]) << 8 | UInt32(bytes[offset + 2])
    }

    mutating func uint32() throws(RTCPParseError) -> UInt32 {
        try need(4)
        defer { offset += 4 }
        return UInt32(bytes[offset]) << 24 | UInt32(bytes[offset + 1]) << 16
            | UInt32(bytes[offset + 2]) << 8 | UInt32(bytes[offset + 3])
    }

    mutating func uint64() throws(RTCPParseError) -> UInt64 {
        let high = try uint32()
        return UInt64(high) << 32 | UInt64(try uint32())
    }

    mutating func bytes(_ n: Int) throws(RTCPParseError) -> [UInt8] {
        try need(n)
        defer { offset += n }
        return Array(bytes[offset ..< offset + n])
    }

    func malformed() -> RTCPParseError { .malformed(packetType: packetType) }
}

extension Array where Element == UInt8 {
    mutating func appendBigEndian(_ v: UInt16) {
        append(UInt8(truncatingIfNeeded: v >> 8))
        append(UInt8(truncatingIfNeeded: v))
    }

    mutating func appendBigEndian24(_ v: UInt32) {
        append(UInt8(truncatingIfNeeded: v >> 16))
        append(UInt8(truncatingIfNeeded: v >> 8))
        append(UInt8(truncatingIfNeeded: v))
    }

    mutating func appendBigEndian(_ v: UInt32) {
        appendBigEndian(UInt16(truncatingIfNeeded: v >> 16))
        appendBigEndian(UInt16(truncatingIfNeeded: v))
    }

    mutating func appendBigEndian(_ v: UInt64) {
        appendBigEndian(UInt32(truncatingIfNeeded: v >> 32))
        appendBigEndian(UInt32(truncatingIfNeeded: v))
    }
}

/// The RTCP common header (RFC 3550 §6.4.1): V=2, P, count/FMT (5 bits), packet type, length in 32-bit words − 1.
enum RTCPHeader {
    static let length = 4

    /// Appends a header with a placeholder length; returns where the packet starts, for `end`.
    static func begin(_ out: inout [UInt8], count: UInt8, packetType: UInt8) -> Int {
        precondition(count < 32, "RTCP count/FMT field is 5 bits")
        let start = out.count
        out.append(0x80 | count)
        out.append(packetType)
        out.appendBigEndian(UInt16(0))
        return start
    }

    /// Pads the packet to 32 bits and fills in the length. With `paddingBit`, the padding is announced with the
    /// P bit and a count in its last byte (as libwebrtc does for transport-cc); otherwise it is plain zeros.
    static func end(_ out: inout [UInt8], start: Int, paddingBit: Bool = false) {
        let padding = (4 - (out.count - start) % 4) % 4
        if padding > 0 {
            out.append(contentsOf: repeatElement(0, count: padding))
            if paddingBit {
                out[out.count - 1] = UInt8(padding)
                out[start] |= 0x20
            }
        }
        let words = (out.count - start) / 4 - 1
        precondition(words <= 0xFFFF, "RTCP packet too long")
        out[start + 2] = UInt8(truncatingIfNeeded: words >> 8)
        out[start + 3] = UInt8(truncatingIfNeeded: words)
    }
}
