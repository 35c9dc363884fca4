import Testing
@testable import SFU

@Suite struct TransportFeedbackRecorderTests {
    @Test func feedbackListsEveryPacketSinceTheLastOneWithGapsAsLost() throws {
        var recorder = TransportFeedbackRecorder()
        let none = recorder.makeFeedback(senderSSRC: 1, mediaSSRC: 2)
        #expect(none == nil)
        // Across the sequence wrap; 65_535 and 1 are lost, 3 arrives late (reordered).
        for (sequence, micros) in [(UInt16(65_533), Int64(1_000_000)), (65_534, 1_000_250), (0, 1_000_500),
                                   (2, 1_001_000), (4, 1_001_500), (3, 1_002_000)] {
            recorder.record(sequence: sequence, arrivalMicros: micros)
        }
        let made = recorder.makeFeedback(senderSSRC: 1, mediaSSRC: 2)
        let first = try #require(made)
        #expect(first.baseSequenceNumber == 65_533)
        #expect(first.arrivalMicros.map(\.sequenceNumber) == [65_533, 65_534, 65_535, 0, 1, 2, 3, 4])
        #expect(first.arrivalMicros.map { $0.arrivalMicros != nil } == [true, true, false, true, false, true, true, true])
        // The next feedback starts after the last one, and counts up.
        let nothingNew = recorder.makeFeedback(senderSSRC: 1, mediaSSRC: 2)
        #expect(nothingNew == nil)
        recorder.record(sequence: 5, arrivalMicros: 1_100_000)
        let madeNext = recorder.makeFeedback(senderSSRC: 1, mediaSSRC: 2)
        let second = try #require(madeNext)
        #expect(second.baseSequenceNumber == 5 && second.packets.count == 1)
        #expect(second.feedbackPacketCount == first.feedbackPacketCount &+ 1)
    }

    @Test func packetsBeyondTheWindowAreLeftOutNotMisplaced() throws {
        var recorder = TransportFeedbackRecorder()
        let capacity = TransportFeedbackRecorder.capacity
        for sequence in 0..<(capacity + 10) {
            recorder.record(sequence: UInt16(sequence), arrivalMicros: Int64(sequence) * 100)
        }
        let made = recorder.makeFeedback(senderSSRC: 1, mediaSSRC: 2)
        let feedback = try #require(made)
        #expect(feedback.packets.count == capacity)
        #expect(feedback.arrivalMicros.allSatisfy { $0.arrivalMicros != nil })
        #expect(feedback.arrivalMicros.last?.sequenceNumber == UInt16(capacity - 1))
    }
}
