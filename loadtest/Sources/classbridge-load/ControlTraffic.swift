import CLoadSupport
import CSocket
import Foundation
import RTCP
import SRTP
import STUN

/// The RTCP and STUN a WebRTC SFU must exchange besides the media, as rates a second: SRTCP packets out
/// (transport-cc feedback to the publishers, reports), SRTCP packets in (reports), and consent checks in, each
/// answered with an authenticated response.
///
/// Each step of a run measures its own (`StepResult.controlTraffic`: what the generator's clients sent and
/// received in the window). `init(rooms:)` holds what patrol showed per room of one publisher and one subscriber
/// (R5 / R10 / R20, 2026-12-06, `fa780d5`): 11.4 out, 2 in, one check (each peer checks every 2 s).
///
/// Why: the forwarder bound without it is no WebRTC SFU, so floor ÷ bound overstates what any compliant forwarder
/// can reach at the light steps, where every datagram in costs a wake-up. With it, the bound still does the least:
/// its feedback is built once and only protected per send, and it records no arrival times.
struct ControlTraffic: Codable, Equatable {
    var rtcpOutPerSecond: Double
    var rtcpInPerSecond: Double
    var checksPerSecond: Double

    static let iceKey = Array("bound-ice-password-0123456789".utf8)
    static let username = "bound:client"

    /// SRTCP went each way and checks came in.
    var hasEveryKind: Bool { rtcpOutPerSecond > 0 && rtcpInPerSecond > 0 && checksPerSecond > 0 }

    var rtcpOutIntervalNs: UInt64 { Self.interval(rtcpOutPerSecond) }
    var rtcpInIntervalNs: UInt64 { Self.interval(rtcpInPerSecond) }
    var checkIntervalNs: UInt64 { Self.interval(checksPerSecond) }

    /// A rate of none is an interval no run reaches (and no sum of a start and it overflows).
    private static func interval(_ perSecond: Double) -> UInt64 {
        perSecond > 1e-3 ? UInt64(1e9 / perSecond) : UInt64.max / 4
    }
}

extension ControlTraffic {  // outside the body, so the memberwise init stays
    /// Patrol's rates for `rooms` rooms.
    init(rooms: Int) {
        let rooms = Double(max(1, rooms))
        self.init(rtcpOutPerSecond: 11.4 * rooms, rtcpInPerSecond: 2 * rooms, checksPerSecond: rooms)
    }
}

/// The paced sender's side: SRTCP reports and consent checks towards the forwarder, interleaved with the media.
struct ControlSender {
    let traffic: ControlTraffic
    private(set) var nextReportNs: UInt64
    private(set) var nextCheckNs: UInt64
    private let report: [UInt8]

    init(traffic: ControlTraffic, startNs: UInt64) {
        self.traffic = traffic
        nextReportNs = startNs + traffic.rtcpInIntervalNs / 2
        nextCheckNs = startNs + traffic.checkIntervalNs / 3
        var bytes: [UInt8] = []
        RTCPPacket.receiverReport(ReceiverReport(ssrc: 0x5EED_0001, reports: [
            ReceptionReport(ssrc: 0xB0B0_0001, extendedHighestSequence: 1000, jitter: 12),
        ])).serialize(into: &bytes)
        report = bytes
    }

    var nextNs: UInt64 { min(nextReportNs, nextCheckNs) }

    /// Sends what is due at `now` from `fd` to the forwarder's `port`, using `buffer` as scratch.
    mutating func sendDue(now: UInt64, fd: Int32, port: UInt16, outbound: SRTPContext,
                          buffer: UnsafeMutableRawBufferPointer) throws {
        if now >= nextReportNs {
            buffer.copyBytes(from: report)
            let length = try outbound.protectRTCP(buffer, length: report.count)
            _ = cb_send_ipv4(fd, buffer.baseAddress, length, 0x7F00_0001, port)
            nextReportNs += traffic.rtcpInIntervalNs
        }
        if now >= nextCheckNs {
            let check = STUNMessage(type: .bindingRequest, transactionID: STUNMessage.randomTransactionID(),
                                    attributes: [.username(ControlTraffic.username), .priority(0x6E00_1EFF),
                                                 .iceControlling(42)])
                .serialize(integrityKey: ControlTraffic.iceKey, addFingerprint: true)
            _ = check.withUnsafeBytes { cb_send_ipv4(fd, $0.baseAddress, $0.count, 0x7F00_0001, port) }
            nextCheckNs += traffic.checkIntervalNs
        }
    }
}

/// The forwarder's side: takes the reports and answers the checks it receives, and sends its feedback when due,
/// all towards `port` (a socket the generator's reader drains, as the publisher's would be).
final class ControlResponder {
    let traffic: ControlTraffic
    let port: UInt16
    private let outbound: SRTPContext
    private let feedback: [UInt8]
    private var nextFeedbackNs: UInt64 = 0
    private(set) var rtcpIn = 0, checksAnswered = 0, rtcpOut = 0

    init(traffic: ControlTraffic, port: UInt16) throws {
        self.traffic = traffic
        self.port = port
        let key = (0..<28).map { _ in UInt8.random(in: 0...255) }
        outbound = try SRTPContext(profile: .aeadAES128GCM, masterKeyAndSalt: key, direction: .outbound)
        // A typical 100 ms of one room's media: 16 packets, one lost.
        var arrivals: [(sequenceNumber: UInt16, arrivalMicros: Int64?)] = []
        for i in 0..<16 {
            let micros: Int64? = i == 7 ? nil : 5_000_000 + Int64(i) * 6_250
            arrivals.append((UInt16(1000 + i), micros))
        }
        var bytes: [UInt8] = []
        RTCPPacket.transportWideFeedback(TransportWideFeedback.build(senderSSRC: 1, mediaSSRC: 0xB0B0_0001,
                                                                     feedbackPacketCount: 0, arrivals: arrivals))
            .serialize(into: &bytes)
        feedback = bytes
    }

    /// True when `packet` was control traffic (and is handled); false for RTP.
    func handle(_ packet: UnsafeMutableRawBufferPointer, length: Int, inbound: SRTPContext, batch: CopyBatch) -> Bool {
        guard length >= 2 else { return true }
        if packet[0] < 4 {  // STUN (RFC 7983)
            let bytes = UnsafeRawBufferPointer(rebasing: packet[..<length])
            guard let check = try? STUNMessage(parsing: bytes), check.type == .bindingRequest,
                  STUNMessage.verifyIntegrity(bytes, key: ControlTraffic.iceKey) else { return true }
            let mapped = TransportAddress(ip: .v4(0x7F00_0001), port: port)
            let answer = STUNMessage(type: .bindingSuccess, transactionID: check.transactionID,
                                     attributes: [.xorMappedAddress(mapped)])
                .serialize(integrityKey: ControlTraffic.iceKey, addFingerprint: true)
            let slot = batch.nextSlot()
            slot.copyBytes(from: answer)
            batch.queue(length: answer.count, port: port)
            checksAnswered += 1
            return true
        }
        guard (192...223).contains(packet[1]) else { return false }  // RTCP's packet types (RFC 5761 §4)
        if (try? inbound.unprotectRTCP(packet, length: length)) != nil { rtcpIn += 1 }
        return true
    }

    /// Queues the feedback due at `now` (at most a few: it catches up after a long sleep as a timer would).
    func queueDue(now: UInt64, batch: CopyBatch) {
        if nextFeedbackNs == 0 { nextFeedbackNs = now + traffic.rtcpOutIntervalNs }
        var queued = 0
        while now >= nextFeedbackNs && queued < 4 {
            let slot = batch.nextSlot()
            slot.copyBytes(from: feedback)
            guard let length = try? outbound.protectRTCP(slot, length: feedback.count) else { break }
            batch.queue(length: length, port: port)
            rtcpOut += 1
            queued += 1
            nextFeedbackNs += traffic.rtcpOutIntervalNs
        }
        if now >= nextFeedbackNs { nextFeedbackNs = now + traffic.rtcpOutIntervalNs }
    }
}
