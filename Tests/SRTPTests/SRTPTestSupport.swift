import SRTP

/// Parses "80 0f 12 34" / "800f1234" into bytes (whitespace ignored).
func hexBytes(_ hex: String) -> [UInt8] {
    let digits = hex.filter { !$0.isWhitespace }
    precondition(digits.count % 2 == 0)
    var out: [UInt8] = []
    var index = digits.startIndex
    while index < digits.endIndex {
        let next = digits.index(index, offsetBy: 2)
        out.append(UInt8(digits[index..<next], radix: 16)!)
        index = next
    }
    return out
}

enum PacketKind { case rtp, rtcp }

/// Copies `packet` into a buffer with `SRTPContext.maxTrailerLength` of slack, runs `body` in place, returns the
/// resulting bytes.
func transform(
    _ packet: [UInt8], _ body: (UnsafeMutableRawBufferPointer, Int) throws(SRTPError) -> Int
) throws(SRTPError) -> [UInt8] {
    var storage = packet + [UInt8](repeating: 0, count: SRTPContext.maxTrailerLength)
    let result: Result<Int, SRTPError> = storage.withUnsafeMutableBytes { raw in
        do throws(SRTPError) { return .success(try body(raw, packet.count)) } catch { return .failure(error) }
    }
    return Array(storage.prefix(try result.get()))
}

extension SRTPContext {
    func protect(_ packet: [UInt8], _ kind: PacketKind) throws(SRTPError) -> [UInt8] {
        switch kind {
        case .rtp: try transform(packet) { (buffer, length) throws(SRTPError) in try protectRTP(buffer, length: length) }
        case .rtcp: try transform(packet) { (buffer, length) throws(SRTPError) in try protectRTCP(buffer, length: length) }
        }
    }

    func unprotect(_ packet: [UInt8], _ kind: PacketKind) throws(SRTPError) -> [UInt8] {
        switch kind {
        case .rtp: try transform(packet) { (buffer, length) throws(SRTPError) in try unprotectRTP(buffer, length: length) }
        case .rtcp: try transform(packet) { (buffer, length) throws(SRTPError) in try unprotectRTCP(buffer, length: length) }
        }
    }
}

/// A plain RTP packet: V=2, PT 96, the given sequence number, timestamp 0x11223344, SSRC 0xcafebabe, payload.
func rtpPacket(sequence: UInt16, payload: [UInt8] = Array(repeating: 0x5a, count: 160)) -> [UInt8] {
    [0x80, 0x60, UInt8(sequence >> 8), UInt8(sequence & 0xff), 0x11, 0x22, 0x33, 0x44, 0xca, 0xfe, 0xba, 0xbe]
        + payload
}

/// An RTCP sender report (SSRC 0xcafebabe, no report blocks).
let senderReport = hexBytes("80c80006 cafebabe e3b0c442 0a3d70a4 00015f90 00000064 00003e80")
