import Testing
import RTCP
@testable import SFU

extension TransportFeedbackRecorder {
    /// The feedback `writeFeedback` writes, parsed back; nil if it wrote none.
    func makeFeedback(senderSSRC: UInt32, mediaSSRC: UInt32, room: Int = 2016) -> TransportWideFeedback? {
        var bytes = [UInt8](repeating: 0, count: room)
        guard let length = bytes.withUnsafeMutableBytes({
            writeFeedback(senderSSRC: senderSSRC, mediaSSRC: mediaSSRC, into: $0)
        }) else { return nil }
        guard case .transportWideFeedback(let feedback)? = try? RTCPCompound.parse(Array(bytes[0..<length])).first
        else { Issue.record("unparseable feedback"); return nil }
        return feedback
    }
}

@Suite struct TransportFeedbackRecorderTests {
    @Test func feedbackListsEveryPacketSinceTheLastOneWithGapsAsLost() throws {
        let recorder = TransportFeedbackRecorder()
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
        let recorder = TransportFeedbackRecorder()
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

    /// A feedback that would not fit in the room it is written into carries the oldest packets that fit; the
    /// next one carries the rest, from where it stopped.
    @Test func whatDoesNotFitGoesInTheNextFeedback() throws {
        let recorder = TransportFeedbackRecorder()
        // Arrival times that go back and forth by 100 ms: every delta needs 2 bytes, 2 KB for 1,000 packets.
        for sequence in 0..<1000 {
            recorder.record(sequence: UInt16(sequence), arrivalMicros: 5_000_000 + Int64(sequence % 2) * 100_000)
        }
        let made = recorder.makeFeedback(senderSSRC: 1, mediaSSRC: 2)
        let first = try #require(made)
        #expect(first.packets.count == 500 && first.baseSequenceNumber == 0)
        let madeNext = recorder.makeFeedback(senderSSRC: 1, mediaSSRC: 2)
        let second = try #require(madeNext)
        #expect(second.baseSequenceNumber == 500 && second.packets.count == 500)
        #expect(second.arrivalMicros.allSatisfy { $0.arrivalMicros != nil })
        #expect(second.feedbackPacketCount == first.feedbackPacketCount &+ 1)
        // Recording carries on where the feedback stopped.
        recorder.record(sequence: 1000, arrivalMicros: 6_000_000)
        let madeLast = recorder.makeFeedback(senderSSRC: 1, mediaSSRC: 2)
        #expect(madeLast?.baseSequenceNumber == 1000 && madeLast?.packets.count == 1)
    }
}
