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
        let reference = reference(firstArrival: arrivalsMicros.first { $0 >= 0 } ?? 0)

        // Each packet's symbol and the length of the deltas, to size the message before writing it.
        var previousTicks = reference.ticks
        var deltaBytes = 0
        for (index, micros) in arrivalsMicros.enumerated() {
            guard micros >= 0 else { symbols[index] = notReceived; continue }
            let symbol = symbol(clampedDelta(micros, after: &previousTicks))
            symbols[index] = symbol
            deltaBytes += symbol == smallDelta ? 1 : 2
        }
        let statuses = UnsafeBufferPointer(rebasing: symbols[0 ..< count])
        let length = wireLength(statuses: statuses, deltaBytes: deltaBytes)
        guard let base = out.baseAddress, length <= out.count else { return nil }
        writeWire(senderSSRC: senderSSRC, mediaSSRC: mediaSSRC, baseSequenceNumber: baseSequenceNumber,
                  referenceTime: UInt32(truncatingIfNeeded: reference.units), feedbackPacketCount: feedbackPacketCount,
                  statuses: statuses, length: length, into: base) { put in
            previousTicks = reference.ticks
            for micros in arrivalsMicros where micros >= 0 { put(clampedDelta(micros, after: &previousTicks)) }
        }
        return length
    }

    /// The reference time of feedback whose first packet arrived at `firstArrival` µs: in 64 ms units (before
    /// wrapping to 24 bits), and the same instant in 250 µs ticks, from which the first delta counts.
    static func reference(firstArrival: Int64) -> (units: Int64, ticks: Int64) {
        let units = floorDivide(firstArrival, referenceTimeUnitMicros)
        return (units, units * (referenceTimeUnitMicros / tickMicros))
    }

    /// The message's length in bytes, padding included, for these statuses and deltas.
    static func wireLength(statuses: UnsafeBufferPointer<UInt8>, deltaBytes: Int) -> Int {
        var chunkCount = 0
        forEachChunk(statuses) { _ in chunkCount += 1 }
        let unpadded = 20 + 2 * chunkCount + deltaBytes
        return unpadded + (4 - unpadded % 4) % 4
    }

    /// The wire layout (§3.1), for `serialize` and `write` alike: header, the chunks of `statuses`, the deltas that
    /// `deltas` puts in order (one per received packet), then padding to `length` (from `wireLength`) with its
    /// count in the last byte, announced by the P bit. Deltas outside 16 bits are clamped.
    static func writeWire(
        senderSSRC: UInt32, mediaSSRC: UInt32, baseSequenceNumber: UInt16, referenceTime: UInt32,
        feedbackPacketCount: UInt8, statuses: UnsafeBufferPointer<UInt8>, length: Int,
        into base: UnsafeMutableRawPointer, deltas: (_ put: (Int) -> Void) -> Void
    ) {
        var offset = 0
        func put8(_ value: UInt8) { base.storeBytes(of: value, toByteOffset: offset, as: UInt8.self); offset += 1 }
        func put16(_ value: UInt16) { put8(UInt8(truncatingIfNeeded: value >> 8)); put8(UInt8(truncatingIfNeeded: value)) }
        func put32(_ value: UInt32) { put16(UInt16(truncatingIfNeeded: value >> 16)); put16(UInt16(truncatingIfNeeded: value)) }
        put8(0x80 | format)  // the P bit is set at the end, if there is padding
        put8(packetType)
        put16(UInt16(length / 4 - 1))
        put32(senderSSRC)
        put32(mediaSSRC)
        put16(baseSequenceNumber)
        put16(UInt16(statuses.count))
        let reference = referenceTime & 0xFF_FFFF  // the low 24 bits
        put8(UInt8(truncatingIfNeeded: reference >> 16))
        put16(UInt16(truncatingIfNeeded: reference))
        put8(feedbackPacketCount)
        forEachChunk(statuses) { put16($0) }
        deltas { delta in
            if symbol(delta) == smallDelta {
                put8(UInt8(delta))
            } else {
                put16(UInt16(bitPattern: Int16(clamping: delta)))
            }
        }
        let padded = length - offset
        for _ in 0 ..< padded { put8(0) }
        if padded > 0 {
            base.storeBytes(of: UInt8(padded), toByteOffset: length - 1, as: UInt8.self)
            base.storeBytes(of: 0x80 | 0x20 | format, as: UInt8.self)  // the P bit
        }
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
