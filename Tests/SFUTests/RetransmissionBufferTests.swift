import Testing
@testable import SFU

@Suite struct RetransmissionBufferTests {
    /// A packet whose bytes say which sequence number it carries, so a stale or shifted copy shows.
    static func packet(_ sequence: UInt16, size: Int) -> [UInt8] {
        (0..<size).map { UInt8(truncatingIfNeeded: Int(sequence) &* 31 &+ $0) }
    }

    static func store(_ buffer: RetransmissionBuffer, _ sequence: UInt16, size: Int) {
        packet(sequence, size: size).withUnsafeBytes { buffer.store($0, sequence: sequence) }
    }

    static func stored(_ buffer: RetransmissionBuffer, _ sequence: UInt16) -> [UInt8]? {
        buffer.packet(sequence).map { Array($0) }
    }

    /// Feeds `seconds` of a stream at `bytesPerSecond` in 1,200-byte packets, adapting every 50 ms as the room's
    /// timer does. Returns the next sequence number and time.
    @discardableResult
    static func feed(_ buffer: RetransmissionBuffer, bytesPerSecond: Int, seconds: Double, from sequence: UInt16,
                     at start: Double) -> (sequence: UInt16, now: Double) {
        var sequence = sequence
        var now = start
        var debt = 0.0
        while now < start + seconds {
            debt += Double(bytesPerSecond) * 0.05
            while debt >= 1200 {
                store(buffer, sequence, size: 1200)
                sequence &+= 1
                debt -= 1200
            }
            now += 0.05
            buffer.adapt(now: now)
        }
        return (sequence, now)
    }

    @Test func returnsExactlyWhatWasStoredAcrossTheSequenceWrap() {
        let buffer = RetransmissionBuffer()
        for sequence in [UInt16(65_530)...65_535, 0...5].joined() { Self.store(buffer, sequence, size: 100 + Int(sequence % 7)) }
        for sequence in [UInt16(65_530)...65_535, 0...5].joined() {
            #expect(Self.stored(buffer, sequence) == Self.packet(sequence, size: 100 + Int(sequence % 7)))
        }
        #expect(Self.stored(buffer, 6) == nil)
        #expect(Self.stored(buffer, 65_529) == nil)
    }

    @Test func aReusedSlotForgetsTheOlderPacket() {
        let buffer = RetransmissionBuffer(slots: 8)
        for sequence in UInt16(0)..<12 { Self.store(buffer, sequence, size: 50) }
        #expect(Self.stored(buffer, 3) == nil)  // slot 3 now holds 11
        #expect(Self.stored(buffer, 11) == Self.packet(11, size: 50))
        #expect(Self.stored(buffer, 4) == Self.packet(4, size: 50))
    }

    @Test func bytesWrittenOverAreNotServed() {
        let buffer = RetransmissionBuffer(initialBytes: RetransmissionBuffer.minimumBytes)
        #expect(buffer.ringBytes == 64 * 1024)
        // 1,500-byte packets: 43 fit in 64 KB, and the 44th skips the ring's 1,036-byte tail.
        for sequence in UInt16(0)..<60 { Self.store(buffer, sequence, size: 1500) }
        #expect(Self.stored(buffer, 16) == nil)
        for sequence in UInt16(17)..<60 { #expect(Self.stored(buffer, sequence) == Self.packet(sequence, size: 1500)) }
    }

    @Test func oversizedAndEmptyPacketsAreNotStored() {
        let buffer = RetransmissionBuffer()
        Self.store(buffer, 1, size: RetransmissionBuffer.maxPacketSize + 1)
        Self.store(buffer, 2, size: 0)
        #expect(Self.stored(buffer, 1) == nil)
        #expect(Self.stored(buffer, 2) == nil)
    }

    @Test func theRingHoldsAboutOneSecondOfTheStreamsRate() {
        let buffer = RetransmissionBuffer()
        // A 1 Mbit/s camera: 1.5 × 125 KB, in 16 KB steps; the fixed 512 × 1,500 bytes were 768 KB.
        let (next, _) = Self.feed(buffer, bytesPerSecond: 125_000, seconds: 4, from: 100, at: 0)
        #expect(buffer.ringBytes == 192 * 1024)
        // The last second is there to serve NACKs.
        for sequence in (next &- 104)..<next { #expect(Self.stored(buffer, sequence) == Self.packet(sequence, size: 1200)) }
        // A 6 Mbit/s share would want 1.1 MB; the ring stops at what the 512 slots can index.
        Self.feed(buffer, bytesPerSecond: 750_000, seconds: 3, from: next, at: 4)
        #expect(buffer.ringBytes == 512 * 1500)
    }

    @Test func growingAndShrinkingKeepTheRecentPackets() {
        let buffer = RetransmissionBuffer(initialBytes: RetransmissionBuffer.minimumBytes)
        var (next, now) = Self.feed(buffer, bytesPerSecond: 250_000, seconds: 1.2, from: 0, at: 0)
        #expect(buffer.ringBytes > RetransmissionBuffer.minimumBytes)
        for sequence in (next &- 50)..<next { #expect(Self.stored(buffer, sequence) == Self.packet(sequence, size: 1200)) }
        let grown = buffer.ringBytes
        // The stream drops to 30 kB/s: the peak decays and the ring shrinks, keeping what still fits.
        (next, now) = Self.feed(buffer, bytesPerSecond: 30_000, seconds: 30, from: next, at: now)
        #expect(buffer.ringBytes < grown)
        #expect(buffer.ringBytes <= 2 * RetransmissionBuffer.minimumBytes)  // it shrinks by halves at least
        for sequence in (next &- 25)..<next { #expect(Self.stored(buffer, sequence) == Self.packet(sequence, size: 1200)) }
    }

    @Test func aSteadyStreamIsNotResizedBackAndForth() {
        let buffer = RetransmissionBuffer()
        var (next, now) = Self.feed(buffer, bytesPerSecond: 125_000, seconds: 3, from: 0, at: 0)
        let settled = buffer.ringBytes
        // ±20 % around the same rate, second by second.
        for second in 0..<20 {
            (next, now) = Self.feed(buffer, bytesPerSecond: second % 2 == 0 ? 100_000 : 150_000, seconds: 1,
                                    from: next, at: now)
            #expect(buffer.ringBytes >= settled)
        }
        #expect(buffer.ringBytes <= 256 * 1024)
    }
}
