import CLoadSupport
import CSocket
import Foundation
import Glibc
import SRTP
import STUN
import Testing
@testable import classbridge_load

/// The forwarder bound's control traffic is the real thing: authenticated consent checks answered with an
/// authenticated response, SRTCP reports that unprotect, and feedback on its schedule.
@Suite struct ControlTrafficTests {
    let key = (0..<28).map { UInt8($0 * 7 & 0xFF) }

    @Test func aConsentCheckIsAnsweredAndAReportUnprotects() throws {
        let sender = cb_udp_bind_ipv4(0x7F00_0001, 0, 0, 0)
        let forwarder = cb_udp_bind_ipv4(0x7F00_0001, 0, 0, 0)
        let publisher = cb_udp_bind_ipv4(0x7F00_0001, 0, 0, 0)
        defer { for fd in [sender, forwarder, publisher] { cbl_close(fd) } }
        let traffic = ControlTraffic(rooms: 5)
        var control = ControlSender(traffic: traffic, startNs: 0)
        let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: 2048, alignment: 16)
        defer { scratch.deallocate() }
        // Due at once: one report and one check.
        try control.sendDue(now: traffic.rtcpInIntervalNs, fd: sender, port: UInt16(cb_local_port(forwarder)),
                            outbound: SRTPContext(profile: .aeadAES128GCM, masterKeyAndSalt: key, direction: .outbound),
                            buffer: scratch)
        #expect(control.nextNs > traffic.rtcpInIntervalNs)

        let responder = try ControlResponder(traffic: traffic, port: UInt16(cb_local_port(publisher)))
        let inbound = try SRTPContext(profile: .aeadAES128GCM, masterKeyAndSalt: key, direction: .inbound)
        let batch = CopyBatch(fd: forwarder)
        for _ in 0..<2 {
            let length = try #require(receive(forwarder, into: scratch))
            #expect(responder.handle(scratch, length: length, inbound: inbound, batch: batch))
            batch.send()
        }
        #expect(responder.rtcpIn == 1)
        #expect(responder.checksAnswered == 1)

        let length = try #require(receive(publisher, into: scratch))
        let answer = UnsafeRawBufferPointer(rebasing: scratch[..<length])
        #expect(try STUNMessage(parsing: answer).type == .bindingSuccess)
        #expect(STUNMessage.verifyIntegrity(answer, key: ControlTraffic.iceKey))
        #expect(STUNMessage.verifyFingerprint(answer))
    }

    @Test func rtpIsLeftToTheForwarder() throws {
        let responder = try ControlResponder(traffic: ControlTraffic(rooms: 1), port: 9)
        let inbound = try SRTPContext(profile: .aeadAES128GCM, masterKeyAndSalt: key, direction: .inbound)
        let packet = UnsafeMutableRawBufferPointer.allocate(byteCount: 64, alignment: 16)
        defer { packet.deallocate() }
        packet.copyBytes(from: [0x80, 96, 0, 1] + [UInt8](repeating: 0, count: 20))  // RTP, payload type 96
        #expect(!responder.handle(packet, length: 24, inbound: inbound, batch: CopyBatch(fd: -1)))
    }

    @Test func feedbackKeepsItsScheduleAndCatchesUpOnlyAFew() throws {
        let traffic = ControlTraffic(rooms: 5)  // 57 a second
        let interval = traffic.rtcpOutIntervalNs
        let responder = try ControlResponder(traffic: traffic, port: 9)
        let batch = CopyBatch(fd: -1)  // sends fail silently: only the count matters here
        responder.queueDue(now: 1_000, batch: batch)  // starts the schedule
        #expect(responder.rtcpOut == 0)
        responder.queueDue(now: 1_000 + interval, batch: batch)
        #expect(responder.rtcpOut == 1)
        responder.queueDue(now: 1_000 + interval + interval / 2, batch: batch)
        #expect(responder.rtcpOut == 1)
        responder.queueDue(now: 1_000 + 100 * interval, batch: batch)  // a long sleep: four, then a fresh start
        #expect(responder.rtcpOut == 5)
        responder.queueDue(now: 1_000 + 100 * interval + interval / 2, batch: batch)
        #expect(responder.rtcpOut == 5)
    }

    @Test func patrolsRatesPerRoomAndAStepsOwnRates() throws {
        #expect(ControlTraffic(rooms: 5) == ControlTraffic(rtcpOutPerSecond: 57, rtcpInPerSecond: 10, checksPerSecond: 5))
        let step = ControlTraffic(rtcpOutPerSecond: 200, rtcpInPerSecond: 4, checksPerSecond: 0.5)
        #expect(step.rtcpOutIntervalNs == 5_000_000)
        #expect(step.rtcpInIntervalNs == 250_000_000)
        #expect(step.checkIntervalNs == 2_000_000_000)
        // A step's rates are in its JSON report.
        let decoded = try JSONDecoder().decode(ControlTraffic.self, from: JSONEncoder().encode(step))
        #expect(decoded == step)
        #expect(step.hasEveryKind)
        #expect(!ControlTraffic(rtcpOutPerSecond: 200, rtcpInPerSecond: 4, checksPerSecond: 0).hasEveryKind)
    }

    @Test func aRateOfNoneIsNeverDue() throws {
        let none = ControlTraffic(rtcpOutPerSecond: 0, rtcpInPerSecond: 0, checksPerSecond: 0)
        let start: UInt64 = 1_000_000_000_000  // a monotonic clock 17 minutes after boot
        let sender = ControlSender(traffic: none, startNs: start)
        #expect(sender.nextNs > start + 1_000_000_000_000_000)
        let responder = try ControlResponder(traffic: none, port: 9)
        let batch = CopyBatch(fd: -1)
        responder.queueDue(now: start, batch: batch)
        responder.queueDue(now: start + 3_600_000_000_000, batch: batch)
        #expect(responder.rtcpOut == 0)
    }

    private func receive(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer) -> Int? {
        for _ in 0..<100 {
            let n = cbl_recv(fd, buffer.baseAddress, buffer.count)
            if n > 0 { return n }
            usleep(1_000)
        }
        return nil
    }
}
