import Testing
@testable import SFU

@Suite struct RTPMungerTests {
    @Test func continuesAcrossSourceChange() {
        var munger = RTPMunger(initialSequence: 1000)
        let first = munger.map(ssrc: 1, sequence: 50, timestamp: 9000, clockRate: 90000, now: 0)
        #expect(first.sequence == 1000)
        let second = munger.map(ssrc: 1, sequence: 51, timestamp: 12000, clockRate: 90000, now: 0.033)
        #expect(second.sequence == 1001)
        #expect(second.timestamp &- first.timestamp == 3000)
        // Publisher restarts: new SSRC, unrelated numbering. Output continues +1, timestamp advances by wall time.
        let third = munger.map(ssrc: 2, sequence: 7, timestamp: 500, clockRate: 90000, now: 0.133)
        #expect(third.sequence == 1002)
        #expect(third.timestamp &- second.timestamp == 9000)
        #expect(munger.sourceSequence(of: 1002) == 7)
        #expect(munger.sourceSequence(of: 1001) == nil)  // previous epoch
    }

    @Test func reorderedPacketsKeepTheirNumbersAndDoNotRewind() {
        var munger = RTPMunger(initialSequence: 0)
        _ = munger.map(ssrc: 9, sequence: 100, timestamp: 0, clockRate: 48000, now: 0)
        _ = munger.map(ssrc: 9, sequence: 102, timestamp: 1920, clockRate: 48000, now: 0.04)
        let late = munger.map(ssrc: 9, sequence: 101, timestamp: 960, clockRate: 48000, now: 0.05)
        #expect(late.sequence == 1)
        #expect(munger.lastSequence == 2)
    }

    @Test func wrapsSequenceNumbers() {
        var munger = RTPMunger(initialSequence: 0xFFFF)
        let a = munger.map(ssrc: 3, sequence: 10, timestamp: 0, clockRate: 90000, now: 0)
        let b = munger.map(ssrc: 3, sequence: 11, timestamp: 0, clockRate: 90000, now: 0)
        #expect(a.sequence == 0xFFFF)
        #expect(b.sequence == 0)
        #expect(munger.sourceSequence(of: 0) == 11)
    }
}
