extension TransportWideFeedback {
    /// Writes the feedback that `build` and `serialize` make, byte for byte, straight into `out`: no value, array or
    /// allocation on the way (the room timer sends one every 100 ms per publisher). `arrivalsMicros` holds one
    /// arrival time per sequence number from `baseSequenceNumber` on, negative for a packet not received;
    /// `symbols` is workspace of at least as many bytes.
    /// - Returns: the message's length, or nil when it does not fit in `out` (send fewer packets).
    public static func write(
        senderSSRC: UInt32, mediaSSRC: UInt32, baseSequenceNumber: UInt16, feedbackPacketCount: UInt8,
        arrivalsMicros: UnsafeBufferPointer<Int64>, symbols: UnsafeMutableBufferPointer<UInt8>,
        into out: UnsafeMutableRawBufferPointer
    ) -> Int? {
        let count = arrivalsMicros.count
        guard count <= 0xFFFF, symbols.count >= count else { return nil }
        let firstArrival = arrivalsMicros.first { $0 >= 0 } ?? 0
        let referenceUnits = floorDivide(firstArrival, referenceTimeUnitMicros)
        let firstTicks = referenceUnits * (referenceTimeUnitMicros / tickMicros)

        // Pass 1: each packet's symbol, and the length of the deltas.
        var previousTicks = firstTicks
        var deltaBytes = 0
        for (index, micros) in arrivalsMicros.enumerated() {
            guard micros >= 0 else { symbols[index] = notReceived; continue }
            let delta = clampedDelta(micros, after: &previousTicks)
            let symbol = symbol(delta)
            symbols[index] = symbol
            deltaBytes += symbol == smallDelta ? 1 : 2
        }
        let statuses = UnsafeBufferPointer(rebasing: symbols[0 ..< count])
        var chunkCount = 0
        forEachChunk(statuses) { _ in chunkCount += 1 }
        let unpadded = 20 + 2 * chunkCount + deltaBytes
        let padding = (4 - unpadded % 4) % 4
        let length = unpadded + padding
        guard let base = out.baseAddress, length <= out.count else { return nil }

        // Pass 2: header, chunks, deltas, padding (its count in the last byte, announced by the P bit).
        var offset = 0
        func put8(_ value: UInt8) { base.storeBytes(of: value, toByteOffset: offset, as: UInt8.self); offset += 1 }
        func put16(_ value: UInt16) { put8(UInt8(truncatingIfNeeded: value >> 8)); put8(UInt8(truncatingIfNeeded: value)) }
        func put32(_ value: UInt32) { put16(UInt16(truncatingIfNeeded: value >> 16)); put16(UInt16(truncatingIfNeeded: value)) }
        put8(0x80 | (padding > 0 ? 0x20 : 0) | format)
        put8(packetType)
        put16(UInt16(length / 4 - 1))
        put32(senderSSRC)
        put32(mediaSSRC)
        put16(baseSequenceNumber)
        put16(UInt16(count))
        let reference = UInt32(truncatingIfNeeded: referenceUnits) & 0xFF_FFFF  // low 24 bits, as `build` wraps it
        put8(UInt8(truncatingIfNeeded: reference >> 16))
        put16(UInt16(truncatingIfNeeded: reference))
        put8(feedbackPacketCount)
        forEachChunk(statuses) { put16($0) }
        previousTicks = firstTicks
        for micros in arrivalsMicros where micros >= 0 {
            let delta = clampedDelta(micros, after: &previousTicks)
            if symbol(delta) == smallDelta {
                put8(UInt8(delta))
            } else {
                put16(UInt16(bitPattern: Int16(delta)))
            }
        }
        for _ in 0 ..< padding { put8(0) }
        if padding > 0 { base.storeBytes(of: UInt8(padding), toByteOffset: length - 1, as: UInt8.self) }
        return length
    }

    /// The delta in ticks from `previousTicks` to `micros`, clamped to what 16 bits carry (`build` and `write`);
    /// moves `previousTicks` on by it.
    @inline(__always)
    static func clampedDelta(_ micros: Int64, after previousTicks: inout Int64) -> Int {
        let ticks = floorDivide(micros, tickMicros)
        let delta = min(max(ticks - previousTicks, Int64(Int16.min)), Int64(Int16.max))
        previousTicks += delta
        return Int(delta)
    }
}
