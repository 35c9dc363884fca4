/// The VP8 payload descriptor at the start of every VP8 RTP payload (RFC 7741 §4.2).
///
///      0 1 2 3 4 5 6 7
///     +-+-+-+-+-+-+-+-+
///     |X|R|N|S|R| PID |   (required)
///     |I|L|T|K| RSV   |   (if X)
///     |M| PictureID   |   (if I; M = 15-bit picture id, one more byte follows)
///     |   TL0PICIDX   |   (if L)
///     |TID|Y| KEYIDX  |   (if T or K)
public struct VP8PayloadDescriptor: Equatable, Sendable {
    public var nonReference: Bool
    public var startOfPartition: Bool
    public var partitionIndex: UInt8
    public var pictureID: UInt16?
    public var pictureIDIs15Bit: Bool
    public var tl0PicIdx: UInt8?
    /// TID, present when the T bit is set.
    public var temporalLayer: UInt8?
    /// The Y bit (layer sync); false when the TID/KEYIDX byte is absent.
    public var layerSync: Bool
    /// KEYIDX, present when the K bit is set.
    public var keyIndex: UInt8?
    /// Bytes of the descriptor; the VP8 payload starts here.
    public var headerLength: Int
    /// S=1, PID=0 and the VP8 payload header's P bit (bit 0 of the first byte after the descriptor) is 0:
    /// this packet starts a key frame.
    public var isKeyframeStart: Bool

    /// Returns nil when the payload is shorter than the descriptor it announces.
    @inlinable
    public init?(_ payload: UnsafeRawBufferPointer) {
        guard payload.count >= 1 else { return nil }
        let b0 = payload[0]
        nonReference = b0 & 0x20 != 0
        startOfPartition = b0 & 0x10 != 0
        partitionIndex = b0 & 0x07
        pictureID = nil
        pictureIDIs15Bit = false
        tl0PicIdx = nil
        temporalLayer = nil
        layerSync = false
        keyIndex = nil
        var i = 1
        if b0 & 0x80 != 0 {
            guard payload.count > i else { return nil }
            let ext = payload[i]
            i += 1
            if ext & 0x80 != 0 {  // I
                guard payload.count > i else { return nil }
                let p0 = payload[i]
                if p0 & 0x80 != 0 {
                    guard payload.count > i + 1 else { return nil }
                    pictureID = UInt16(p0 & 0x7F) << 8 | UInt16(payload[i + 1])
                    pictureIDIs15Bit = true
                    i += 2
                } else {
                    pictureID = UInt16(p0)
                    i += 1
                }
            }
            if ext & 0x40 != 0 {  // L
                guard payload.count > i else { return nil }
                tl0PicIdx = payload[i]
                i += 1
            }
            if ext & 0x30 != 0 {  // T or K
                guard payload.count > i else { return nil }
                let b = payload[i]
                if ext & 0x20 != 0 { temporalLayer = b >> 6 }
                layerSync = b & 0x20 != 0
                if ext & 0x10 != 0 { keyIndex = b & 0x1F }
                i += 1
            }
        }
        headerLength = i
        isKeyframeStart = startOfPartition && partitionIndex == 0 && payload.count > i && payload[i] & 0x01 == 0
    }
}
