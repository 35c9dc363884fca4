/// Writes an RFC 8285 header-extension block into a caller's buffer, without allocating.
///
/// Elements are written in the one-byte form (profile 0xBEDE) while every id is 1...14 and every value 1...16
/// bytes, as the forwarding path's always are. The first element that does not fit moves the block to the
/// two-byte form (profile 0x1000): the elements so far are widened in place, once. So the buffer must have room
/// for `offset + 4 + Σ(2 + value length) + 3` bytes, the two-byte size; the final block is never larger than that.
///
///     var writer = RTPExtensionWriter(buffer: buffer, offset: 12)
///     writer.append(id: 3, uint24: absSendTime)
///     writer.append(id: 5, uint16: transportSequence)
///     let extensionLength = writer.finish()   // 12 here: 4-byte header + 4 + 3 + 1 padding
public struct RTPExtensionWriter {
    @usableFromInline let buffer: UnsafeMutableRawBufferPointer
    @usableFromInline let offset: Int
    /// Where the next element goes, in the current form.
    @usableFromInline var cursor: Int
    @usableFromInline var elementCount = 0
    @usableFromInline var twoByte = false

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
        // The two-byte size of the block so far: each element one byte more than in the one-byte form.
        let twoByteCursor = twoByte ? cursor : cursor + elementCount
        precondition(twoByteCursor + 2 + length + 3 <= buffer.count, "extension buffer too small")
        if !twoByte {
            if id <= 14 && length >= 1 && length <= 16 {
                buffer[cursor] = id << 4 | UInt8(length - 1)
                cursor += 1 + length
                elementCount += 1
                return cursor - length
            }
            useTwoByteForm()
        }
        buffer[cursor] = id
        buffer[cursor + 1] = UInt8(length)
        cursor += 2 + length
        elementCount += 1
        return cursor - length
    }

    /// Moves the block to the two-byte form (before any element, or when one does not fit the one-byte form).
    /// The one-byte elements so far are shifted up by one byte per element, then rewritten forward with their
    /// wider headers: writing never overtakes reading, since each element is read from above where it is written.
    @inlinable
    mutating func useTwoByteForm() {
        guard !twoByte else { return }
        twoByte = true
        let start = offset + 4
        guard elementCount > 0 else { return }
        let shifted = start + elementCount
        for index in (start ..< cursor).reversed() { buffer[index + elementCount] = buffer[index] }
        var read = shifted
        var write = start
        while write < read {
            let header = buffer[read]
            let length = Int(header & 0x0F) + 1
            buffer[write] = header >> 4
            buffer[write + 1] = UInt8(length)
            for k in 0 ..< length { buffer[write + 2 + k] = buffer[read + 1 + k] }
            read += 1 + length
            write += 2 + length
        }
        cursor = write
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
        while (end - start) % 4 != 0 {
            buffer[end] = 0
            end += 1
        }
        buffer.storeBigEndian(twoByte ? RTPExtensionProfile.twoByte : RTPExtensionProfile.oneByte, at: offset)
        buffer.storeBigEndian(UInt16((end - start) / 4), at: offset + 2)
        // A second call sees the same (already final) layout only if nothing changed; make it a no-op instead.
        elementCount = 0
        return end - offset
    }
}
