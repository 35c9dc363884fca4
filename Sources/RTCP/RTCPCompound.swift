/// Parsing and building compound RTCP packets (RFC 3550 §6.1): packets back to back, each with its own header.
public enum RTCPCompound {
    /// Parses every packet. Each header's version must be 2 and its length must fit in the buffer; a padded packet
    /// must have a count byte of 1...body length. Unknown types and formats come back as `.unknown`. Does not
    /// enforce RFC 3550's "starts with SR/RR" rule (RFC 5506 reduced-size RTCP is allowed).
    public static func parse(_ bytes: UnsafeRawBufferPointer) throws(RTCPParseError) -> [RTCPPacket] {
        var packets: [RTCPPacket] = []
        var offset = 0
        guard bytes.count > 0 else { throw .tooShort }
        while offset < bytes.count {
            guard bytes.count - offset >= RTCPHeader.length else { throw .tooShort }
            let first = bytes[offset]
            guard first >> 6 == 2 else { throw .badVersion(first >> 6) }
            let packetType = bytes[offset + 1]
            let length = ((Int(bytes[offset + 2]) << 8 | Int(bytes[offset + 3])) + 1) * 4
            guard length <= bytes.count - offset else { throw .lengthOverrun }
            var bodyEnd = offset + length
            if first & 0x20 != 0 {
                let padding = Int(bytes[bodyEnd - 1])
                guard padding > 0, padding <= length - RTCPHeader.length else { throw .badPadding }
                bodyEnd -= padding
            }
            let body = UnsafeRawBufferPointer(rebasing: bytes[(offset + RTCPHeader.length) ..< bodyEnd])
            packets.append(try RTCPPacket(packetType: packetType, count: first & 0x1F, body: body))
            offset += length
        }
        return packets
    }

    public static func parse(_ bytes: [UInt8]) throws(RTCPParseError) -> [RTCPPacket] {
        let result: Result<[RTCPPacket], RTCPParseError> = bytes.withUnsafeBytes { raw in
            do throws(RTCPParseError) { return .success(try parse(raw)) } catch { return .failure(error) }
        }
        return try result.get()
    }

    public static func serialize(_ packets: [RTCPPacket]) -> [UInt8] {
        var out: [UInt8] = []
        for packet in packets { packet.serialize(into: &out) }
        return out
    }
}
