/// An IP address and UDP/TCP port, as carried in (XOR-)MAPPED-ADDRESS and used to key ICE state.
///
/// The numeric values are the big-endian address read as an integer, so `127.0.0.1` is `.v4(0x7F00_0001)` and
/// `::1` is `.v6(0, 1)` (high 64 bits, low 64 bits). No Foundation, no sockets: conversion to `sockaddr` belongs to
/// the I/O layer.
public struct TransportAddress: Hashable, Sendable, CustomStringConvertible {
    public enum IP: Hashable, Sendable {
        case v4(UInt32)
        case v6(UInt64, UInt64)
    }

    public var ip: IP
    public var port: UInt16

    public init(ip: IP, port: UInt16) {
        self.ip = ip
        self.port = port
    }

    /// Parses dotted-quad IPv4 (`"192.0.2.1"`) or IPv6 text (`"2001:db8::1"`, `"::ffff:192.0.2.1"`, optionally in
    /// brackets). Zone identifiers (`%eth0`) and anything else are rejected.
    public init?(string host: String, port: UInt16) {
        var text = Substring(host)
        if text.hasPrefix("["), text.hasSuffix("]") { text = text.dropFirst().dropLast() }
        if let v4 = Self.parseIPv4(text) {
            self.init(ip: .v4(v4), port: port)
        } else if let (hi, lo) = Self.parseIPv6(text) {
            self.init(ip: .v6(hi, lo), port: port)
        } else {
            return nil
        }
    }

    /// `"127.0.0.1:5000"` or `"[::1]:5000"`.
    public var description: String {
        switch ip {
        case .v4: return "\(hostString):\(port)"
        case .v6: return "[\(hostString)]:\(port)"
        }
    }

    /// The address alone: `"127.0.0.1"` or RFC 5952 canonical IPv6 (`"2001:db8::1"`, `"::ffff:192.0.2.1"`).
    public var hostString: String {
        switch ip {
        case .v4(let a): return Self.formatIPv4(a)
        case .v6(let hi, let lo): return Self.formatIPv6(hi, lo)
        }
    }

    /// The IPv4 value of an IPv4 address or of an IPv4-mapped IPv6 address (`::ffff:a.b.c.d`); nil otherwise.
    public var ipv4Value: UInt32? {
        switch ip {
        case .v4(let a): return a
        case .v6(let hi, let lo): return hi == 0 && lo >> 32 == 0xFFFF ? UInt32(truncatingIfNeeded: lo) : nil
        }
    }

    // MARK: - Text conversion

    static func parseIPv4(_ text: Substring) -> UInt32? {
        var value: UInt32 = 0
        var parts = 0
        for part in text.split(separator: ".", omittingEmptySubsequences: false) {
            guard !part.isEmpty, part.count <= 3, part.allSatisfy({ $0.isASCII && $0.isNumber }),
                  let octet = UInt32(part), octet <= 255 else { return nil }
            value = value << 8 | octet
            parts += 1
        }
        return parts == 4 ? value : nil
    }

    static func parseIPv6(_ text: Substring) -> (UInt64, UInt64)? {
        guard text.count >= 2, text.count <= 45 else { return nil }
        let groups: [UInt16]
        if let gap = text.firstRange(of: "::") {
            let tailText = text[gap.upperBound...]
            guard tailText.firstRange(of: "::") == nil,
                  let head = parseGroups(text[..<gap.lowerBound], allowIPv4Suffix: false),
                  let tail = parseGroups(tailText, allowIPv4Suffix: true),
                  head.count + tail.count <= 7 else { return nil }
            groups = head + [UInt16](repeating: 0, count: 8 - head.count - tail.count) + tail
        } else {
            guard let all = parseGroups(text, allowIPv4Suffix: true), all.count == 8 else { return nil }
            groups = all
        }
        var hi: UInt64 = 0
        var lo: UInt64 = 0
        for i in 0..<4 { hi = hi << 16 | UInt64(groups[i]) }
        for i in 4..<8 { lo = lo << 16 | UInt64(groups[i]) }
        return (hi, lo)
    }

    /// Colon-separated hex groups; an empty string is zero groups; a dotted IPv4 may end the list.
    private static func parseGroups(_ text: Substring, allowIPv4Suffix: Bool) -> [UInt16]? {
        if text.isEmpty { return [] }
        var groups: [UInt16] = []
        let fields = text.split(separator: ":", omittingEmptySubsequences: false)
        for (i, field) in fields.enumerated() {
            if field.contains(".") {
                guard allowIPv4Suffix, i == fields.count - 1, let v4 = parseIPv4(field) else { return nil }
                groups += [UInt16(v4 >> 16), UInt16(v4 & 0xFFFF)]
            } else {
                guard (1...4).contains(field.count), field.allSatisfy({ $0.isASCII && $0.isHexDigit }),
                      let group = UInt16(field, radix: 16) else { return nil }
                groups.append(group)
            }
            if groups.count > 8 { return nil }
        }
        return groups
    }

    static func formatIPv4(_ a: UInt32) -> String {
        "\(a >> 24).\(a >> 16 & 0xFF).\(a >> 8 & 0xFF).\(a & 0xFF)"
    }

    static func formatIPv6(_ hi: UInt64, _ lo: UInt64) -> String {
        if hi == 0, lo >> 32 == 0xFFFF { return "::ffff:" + formatIPv4(UInt32(truncatingIfNeeded: lo)) }
        var groups = [UInt16](repeating: 0, count: 8)
        for i in 0..<4 {
            groups[i] = UInt16(truncatingIfNeeded: hi >> (48 - 16 * UInt64(i)))
            groups[i + 4] = UInt16(truncatingIfNeeded: lo >> (48 - 16 * UInt64(i)))
        }
        // Longest run of two or more zero groups (first one on ties) becomes "::" (RFC 5952 §4.2).
        var bestStart = -1, bestLength = 1
        var runStart = -1
        for i in 0...8 {
            if i < 8, groups[i] == 0 {
                if runStart < 0 { runStart = i }
            } else if runStart >= 0 {
                if i - runStart > bestLength { bestStart = runStart; bestLength = i - runStart }
                runStart = -1
            }
        }
        func hex(_ range: Range<Int>) -> String {
            groups[range].map { String($0, radix: 16) }.joined(separator: ":")
        }
        guard bestStart >= 0 else { return hex(0..<8) }
        return hex(0..<bestStart) + "::" + hex((bestStart + bestLength)..<8)
    }
}
