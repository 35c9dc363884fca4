import Testing
@testable import RTP

@Suite struct SSRCTableTests {
    final class Tracked {
        nonisolated(unsafe) static var alive = 0
        let id: Int
        init(_ id: Int) { self.id = id; Self.alive += 1 }
        deinit { Self.alive -= 1 }
    }

    @Test func insertsReplacesAndRemoves() {
        let table = SSRCTable<String>()
        #expect(table.isEmpty)
        table[0] = "zero"  // SSRC 0 is a valid SSRC, not the empty marker
        table[0xFFFF_FFFF] = "max"
        table[7] = "seven"
        #expect(table.count == 3)
        #expect(table[0] == "zero")
        #expect(table[0xFFFF_FFFF] == "max")
        #expect(table[8] == nil)
        table[7] = "SEVEN"
        #expect(table.count == 3)
        #expect(table[7] == "SEVEN")
        table[0] = nil
        table[0] = nil  // removing what is not there changes nothing
        #expect(table.count == 2)
        #expect(table[0] == nil)
        #expect(table[0xFFFF_FFFF] == "max")
    }

    @Test func changesValuesInPlace() throws {
        let table = SSRCTable<[Int]>()
        table[42] = [1]
        let slot = try #require(table.slot(of: 42))
        table[slot: slot].append(2)
        #expect(table[42] == [1, 2])
        #expect(table.slot(of: 43) == nil)
    }

    /// Keys that share a home slot at the first capacity (8 slots: the top three bits of ssrc × the multiplier),
    /// the first removed: the entries after it in their run must stay reachable.
    @Test func removalKeepsARunReachable() {
        let table = SSRCTable<Int>(multipliers: (0x9E37_79B9_7F4A_7C15, 1))
        let run = Array((UInt32(0)...).lazy.filter { table.home(of: $0) == 0 }.prefix(3))
        #expect(run.count == 3)
        for (index, ssrc) in run.enumerated() { table[ssrc] = index }
        table[run[0]] = nil
        for (index, ssrc) in run.enumerated().dropFirst() { #expect(table[ssrc] == index) }
    }

    /// Keys in arithmetic progression spread over the table even under a multiplier that keeps them together (1:
    /// a multiply-shift alone gives all 256 one home slot).
    @Test func keysInArithmeticProgressionSpreadOut() {
        let table = SSRCTable<Int>(multipliers: (1, 0x9E37_79B9_7F4A_7C15))
        let keys = (0..<256).map { 40_000 + UInt32($0) }
        for (index, key) in keys.enumerated() { table[key] = index }
        let homes = Set(keys.map { table.home(of: $0) })
        #expect(homes.count > 128, "\(homes.count) home slots for 256 keys in \(table.capacity)")
        for (index, key) in keys.enumerated() { #expect(table[key] == index) }
    }

    /// Random inserts, replacements and removals (about a thousand keys at most, so the table grows several times),
    /// checked against a Dictionary after every step.
    @Test func matchesADictionary() {
        var generator = SystemRandomNumberGenerator()
        let table = SSRCTable<UInt32>()
        var model: [UInt32: UInt32] = [:]
        // A small key space makes replacements and removals of present keys common.
        let keys = (0..<1200).map { _ in UInt32.random(in: 0...UInt32.max, using: &generator) } + [0, 1, 2, 3]
        for step in 0..<20_000 {
            let key = keys.randomElement(using: &generator)!
            if Int.random(in: 0..<3, using: &generator) == 0 {
                table[key] = nil
                model[key] = nil
            } else {
                table[key] = UInt32(step)
                model[key] = UInt32(step)
            }
            #expect(table.count == model.count)
            if step % 1000 == 999 {
                for key in keys { #expect(table[key] == model[key]) }
            }
        }
        table.removeAll { $0 % 2 == 0 }
        model = model.filter { $0.value % 2 != 0 }
        #expect(table.count == model.count)
        for key in keys { #expect(table[key] == model[key]) }
    }

    /// Two tables place the same keys differently: their multipliers are drawn at random.
    @Test func tablesDrawTheirOwnMultiplier() {
        let multipliers = Set((0..<8).map { _ in SSRCTable<Int>().multipliers.0 })
        #expect(multipliers.count > 1)
        #expect(multipliers.allSatisfy { $0 % 2 == 1 })
    }

    @Test func releasesItsValues() {
        let before = Tracked.alive
        do {
            let table = SSRCTable<Tracked>()
            for ssrc in 0..<100 { table[UInt32(ssrc) &* 7919] = Tracked(ssrc) }
            table[0] = Tracked(-1)  // replaces one
            for ssrc in 0..<50 { table[UInt32(ssrc) &* 7919] = nil }
            table.removeAll { $0.id % 2 == 0 }
            #expect(Tracked.alive == before + 25)
        }
        #expect(Tracked.alive == before)
    }
}
