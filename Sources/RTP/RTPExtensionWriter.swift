/// Writes an RFC 8285 header-extension block into a caller's buffer, without allocating.
///
/// Elements are laid out in the two-byte form while appending (id, length, value); `finish()` then picks the form:
/// the one-byte form (profile 0xBEDE) when every id is 1...14 and every value is 1...16 bytes, compacting the
/// elements in place, else the two-byte form (profile 0x1000). So while appending, the buffer must have room for
/// `offset + 4 + Σ(2 + value length) + 3` bytes; the final block is never larger than that.
///
///     var writer = RTPExtensionWriter(buffer: buffer, offset: 12)
///     writer.append(id: 3, uint24: absSendTime)
///     writer.append(id: 5, uint16: transportSequence)
///     let extensionLength = writer.finish()   // 12 here: 4-byte header + 4 + 3 + 1 padding
public struct RTPExtensionWriter {
    @usableFromInline let buffer: UnsafeMutableRawBufferPointer
    @usableFromInline let offset: Int
    /// Where the next element goes (two-byte layout).
    @usableFromInline var cursor: Int
    @usableFromInline var elementCount = 0
    @usableFromInline var needsTwoByte = false

    /// `offset` is where the 4-byte extension header goes (12 + 4 × CSRC count for a normal RTP header).
    @inlinable
    public init(buffer: UnsafeMutableRawBufferPointer, offset: Int) {
        precondition(offset >= 0 && offset + 4 <= buffer.count, "no room for the extension header")
        self.buffer = buffer
        self.offset = offset
        self.cursor = offset + 4
    }

    /// Reserves room for an element and returns where its value goes.
    @inlinable
    mutating func reserve(id: UInt8, length: Int) -> Int {
        precondition(id != 0, "extension id 0 is reserved for padding")
        precondition(length <= 255, "extension values are at most 255 bytes")
        precondition(cursor + 2 + length + 3 <= buffer.count, "extension buffer too small")
        if id > 14 || length == 0 || length > 16 { needsTwoByte = true }
        buffer[cursor] = id
        buffer[cursor + 1] = UInt8(length)
        let valueStart = cursor + 2
        cursor = valueStart + length
        elementCount += 1
        return valueStart
    }

    @inlinable
    public mutating func append(id: UInt8, bytes: UnsafeRawBufferPointer) {
        let start = reserve(id: id, length: bytes.count)
        if bytes.count > 0 {
            UnsafeMutableRawBufferPointer(rebasing: buffer[start ..< start + bytes.count]).copyMemory(from: bytes)
        }
    }

    /// Appends a 3-byte big-endian value (the low 24 bits), e.g. abs-send-time.
    @inlinable
    public mutating func append(id: UInt8, uint24 value: UInt32) {
        let start = reserve(id: id, length: 3)
        buffer.storeBigEndian24(value, at: start)
    }

    /// Appends a 2-byte big-endian value, e.g. the transport-wide sequence number.
    @inlinable
    public mutating func append(id: UInt8, uint16 value: UInt16) {
        let start = reserve(id: id, length: 2)
        buffer.storeBigEndian(value, at: start)
    }

    /// Appends a 1-byte value, e.g. the audio level.
    @inlinable
    public mutating func append(id: UInt8, uint8 value: UInt8) {
        let start = reserve(id: id, length: 1)
        buffer[start] = value
    }

    /// Writes the 4-byte extension header, pads the elements with zeros to a multiple of 4 bytes and returns the
    /// total bytes written including the header; 0 if nothing was appended (then write no extension and clear X).
    @inlinable
    public mutating func finish() -> Int {
        guard elementCount > 0 else { return 0 }
        let start = offset + 4
        var end = cursor
        let profile: UInt16
        if needsTwoByte {
            profile = RTPExtensionProfile.twoByte
        } else {
            profile = RTPExtensionProfile.oneByte
            // Compact in place: each element shrinks by one byte, so moving forward never overwrites unread data.
            var read = start
            var write = start
            while read < cursor {
                let id = buffer[read]
                let length = Int(buffer[read + 1])
                buffer[write] = id << 4 | UInt8(length - 1)
                for k in 0 ..< length { buffer[write + 1 + k] = buffer[read + 2 + k] }
                read += 2 + length
                write += 1 + length
            }
            end = write
        }
        while (end - start) % 4 != 0 {
            buffer[end] = 0
            end += 1
        }
        buffer.storeBigEndian(profile, at: offset)
        buffer.storeBigEndian(UInt16((end - start) / 4), at: offset + 2)
        // A second call sees the same (already final) layout only if nothing changed; make it a no-op instead.
        elementCount = 0
        return end - offset
    }
}
