import Testing
@testable import SRTP

/// The OpenSSL engine for AEAD_AES_128_GCM checked against libsrtp (the reference): same bytes out, and each
/// unprotects what the other protects.
@Suite struct SRTPEngineCrossCheckTests {
    static let material: [UInt8] = (0..<28).map { UInt8(truncatingIfNeeded: $0 &* 29 &+ 11) }

    func context(_ engine: SRTPContext.Engine, _ direction: SRTPContext.Direction) throws -> SRTPContext {
        try SRTPContext(profile: .aeadAES128GCM, masterKeyAndSalt: Self.material, direction: direction, engine: engine)
    }

    /// V=2, optional padding, CSRCs, a one-byte-header extension block; payload depends on the sequence number.
    func packet(ssrc: UInt32, sequence: UInt16, csrcs: Int = 0, extensionWords: Int = 0, padding: Int = 0,
                payloadLength: Int = 120) -> [UInt8] {
        var first: UInt8 = 0x80 | UInt8(csrcs)
        if extensionWords > 0 { first |= 0x10 }
        if padding > 0 { first |= 0x20 }
        var bytes: [UInt8] = [first, 0x60, UInt8(sequence >> 8), UInt8(sequence & 0xff), 0, 1, 0x5f, 0x90]
        bytes += withUnsafeBytes(of: ssrc.bigEndian, Array.init)
        for index in 0..<csrcs { bytes += [0x0c, 0x5c, 0x00, UInt8(index)] }
        if extensionWords > 0 {
            bytes += [0xbe, 0xde, 0x00, UInt8(extensionWords)]
            for index in 0..<extensionWords { bytes += [0x10 | UInt8(index & 0x0f), UInt8(index), 0, 0] }
        }
        bytes += (0..<payloadLength).map { UInt8(truncatingIfNeeded: Int(sequence) &+ $0) }
        if padding > 0 { bytes += [UInt8](repeating: 0, count: padding - 1) + [UInt8(padding)] }
        return bytes
    }

    func rtcp(ssrc: UInt32, salt: UInt8) -> [UInt8] {
        hexBytes("80c80006") + withUnsafeBytes(of: ssrc.bigEndian, Array.init)
            + (0..<20).map { UInt8(truncatingIfNeeded: Int(salt) &* 3 &+ $0) }
    }

    @Test func defaultEngines() throws {
        let gcm = try SRTPContext(profile: .aeadAES128GCM, masterKeyAndSalt: Self.material, direction: .outbound)
        #expect(gcm.engine == SRTPContext.gcmEngine)
        let cm = try SRTPContext(profile: .aes128CMHMACSHA1_80, masterKeyAndSalt: [UInt8](repeating: 1, count: 30),
                                 direction: .outbound)
        #expect(cm.engine == .libsrtp)
        #expect(throws: SRTPError.self) {
            try SRTPContext(profile: .aes128CMHMACSHA1_80, masterKeyAndSalt: [UInt8](repeating: 1, count: 30),
                            direction: .outbound, engine: .openSSL)
        }
    }

    /// Protects `packets` (in order) with both engines, checks the bytes agree, and cross-unprotects.
    func crossCheck(_ packets: [[UInt8]], _ kind: PacketKind) throws {
        let evpOut = try context(.openSSL, .outbound), srtpOut = try context(.libsrtp, .outbound)
        let evpIn = try context(.openSSL, .inbound), srtpIn = try context(.libsrtp, .inbound)
        for plain in packets {
            let fromEVP = try evpOut.protect(plain, kind)
            let fromLibSRTP = try srtpOut.protect(plain, kind)
            #expect(fromEVP == fromLibSRTP)
            #expect(try srtpIn.unprotect(fromEVP, kind) == plain)
            #expect(try evpIn.unprotect(fromLibSRTP, kind) == plain)
        }
    }

    @Test func rtpSeveralSSRCsBothWays() throws {
        var packets: [[UInt8]] = []
        for sequence in UInt16(7)..<27 {
            for ssrc: UInt32 in [0x1111_1111, 0xcafe_babe, 42] { packets.append(packet(ssrc: ssrc, sequence: sequence)) }
        }
        try crossCheck(packets, .rtp)
    }

    @Test func rtcpSeveralSSRCsBothWays() throws {
        var packets: [[UInt8]] = []
        for round in UInt8(0)..<5 {
            for ssrc: UInt32 in [0x1111_1111, 0xcafe_babe, 42] { packets.append(rtcp(ssrc: ssrc, salt: round)) }
        }
        try crossCheck(packets, .rtcp)
    }

    @Test func sequenceNumberWrapMovesTheROC() throws {
        var packets: [[UInt8]] = []
        for step in 0..<20 {
            let sequence = UInt16(truncatingIfNeeded: 65530 + step)
            packets.append(packet(ssrc: 0xabcd_ef01, sequence: sequence))
            packets.append(packet(ssrc: 0x0102_0304, sequence: sequence &+ 3))
        }
        try crossCheck(packets, .rtp)
        // Reordered around the wrap: a late 65535 (ROC 0) after 0 and 1 (ROC 1).
        let order: [UInt16] = [65533, 65534, 0, 65535, 1, 3, 2]
        try crossCheck(order.map { packet(ssrc: 5, sequence: $0) }, .rtp)
    }

    @Test func csrcsHeaderExtensionAndPadding() throws {
        let packets = [
            packet(ssrc: 9, sequence: 1, csrcs: 3),
            packet(ssrc: 9, sequence: 2, extensionWords: 2),
            packet(ssrc: 9, sequence: 3, padding: 7),
            packet(ssrc: 9, sequence: 4, csrcs: 15, extensionWords: 5, padding: 4, payloadLength: 1100),
            packet(ssrc: 9, sequence: 5, csrcs: 2, extensionWords: 1, payloadLength: 0),
        ]
        try crossCheck(packets, .rtp)
        // The whole header (CSRCs, extension) is associated data: in the clear, and authenticated.
        let plain = packets[3]
        let protected = try context(.openSSL, .outbound).protect(plain, .rtp)
        let headerLength = 12 + 15 * 4 + 4 + 5 * 4
        #expect(protected.prefix(headerLength) == plain.prefix(headerLength))
        var tampered = protected
        tampered[headerLength - 2] ^= 0x40  // inside the extension
        #expect { try context(.openSSL, .inbound).unprotect(tampered, .rtp) }
            throws: { ($0 as? SRTPError)?.isAuthenticationFailure == true }
    }

    @Test func replaysAndTooOldAreRejected() throws {
        let tx = try context(.libsrtp, .outbound), rx = try context(.openSSL, .inbound)
        let first = try tx.protect(packet(ssrc: 3, sequence: 100), .rtp)
        _ = try rx.unprotect(first, .rtp)
        #expect { try rx.unprotect(first, .rtp) } throws: { ($0 as? SRTPError)?.code == SRTPError.replayFailureCode }
        let skipped = try tx.protect(packet(ssrc: 3, sequence: 101), .rtp)
        for sequence in UInt16(102)..<1200 { _ = try rx.unprotect(tx.protect(packet(ssrc: 3, sequence: sequence), .rtp), .rtp) }
        #expect { try rx.unprotect(skipped, .rtp) } throws: { ($0 as? SRTPError)?.code == SRTPError.replayTooOldCode }
        // Within the window, a late packet not seen before is still accepted (once).
        let late = try tx.protect(packet(ssrc: 3, sequence: 1300), .rtp)
        let early = try tx.protect(packet(ssrc: 3, sequence: 1301), .rtp)
        _ = try rx.unprotect(early, .rtp)
        _ = try rx.unprotect(late, .rtp)
        #expect { try rx.unprotect(late, .rtp) } throws: { ($0 as? SRTPError)?.isReplay == true }
        // Another SSRC has its own window.
        _ = try rx.unprotect(tx.protect(packet(ssrc: 4, sequence: 100), .rtp), .rtp)

        let report = try tx.protect(rtcp(ssrc: 3, salt: 1), .rtcp)
        _ = try rx.unprotect(report, .rtcp)
        #expect { try rx.unprotect(report, .rtcp) } throws: { ($0 as? SRTPError)?.isReplay == true }
    }

    /// A peer holding the keys cannot grow an inbound session's state without end: a new SSRC past the limit is
    /// refused on both engines, for SRTP and SRTCP alike, and the SSRCs already known keep working.
    @Test(arguments: [SRTPContext.Engine.openSSL, .libsrtp], [PacketKind.rtp, .rtcp])
    func newSSRCsPastTheLimitAreRefused(engine: SRTPContext.Engine, kind: PacketKind) throws {
        let tx = try context(engine, .outbound), rx = try context(engine, .inbound)
        func plain(_ ssrc: UInt32, _ round: UInt16) -> [UInt8] {
            kind == .rtp ? packet(ssrc: ssrc, sequence: round, payloadLength: 16) : rtcp(ssrc: ssrc, salt: UInt8(round))
        }
        let limit = UInt32(SRTPContext.maxInboundSSRCs)
        for ssrc in 1...limit { _ = try rx.unprotect(tx.protect(plain(ssrc, 1), kind), kind) }
        let extra = try tx.protect(plain(limit + 1, 1), kind)
        do {
            _ = try rx.unprotect(extra, kind)
            Issue.record("SSRC \(limit + 1) accepted past the limit of \(limit)")
        } catch {
            #expect(error.isStreamLimit)
            #expect(error.description.contains("alloc_fail"))
        }
        #expect(try rx.unprotect(tx.protect(plain(limit, 2), kind), kind) == plain(limit, 2))
        #expect(try rx.unprotect(tx.protect(plain(1, 2), kind), kind) == plain(1, 2))
    }

    @Test func tamperedBytesAreRejected() throws {
        let tx = try context(.libsrtp, .outbound), rx = try context(.openSSL, .inbound)
        let protected = try tx.protect(packet(ssrc: 8, sequence: 50), .rtp)
        for position in [0, 3, 9, 12, 60, protected.count - 16, protected.count - 1] {
            var tampered = protected
            tampered[position] ^= 0x04
            #expect { try rx.unprotect(tampered, .rtp) } throws: { ($0 as? SRTPError) != nil }
        }
        let report = try tx.protect(rtcp(ssrc: 8, salt: 2), .rtcp)
        for position in [1, 5, 9, report.count - 5, report.count - 1] {  // header, SSRC, body, tag, index
            var tampered = report
            tampered[position] ^= 0x01
            #expect(throws: SRTPError.self) { try rx.unprotect(tampered, .rtcp) }
        }
        // Failures leave no trace: the genuine packets still pass.
        #expect(try rx.unprotect(protected, .rtp) == packet(ssrc: 8, sequence: 50))
        #expect(try rx.unprotect(report, .rtcp) == rtcp(ssrc: 8, salt: 2))
        // Too short to hold a tag.
        #expect(throws: SRTPError.self) { try rx.unprotect(Array(protected.prefix(20)), .rtp) }
        #expect(throws: SRTPError.self) { try rx.unprotect(Array(report.prefix(27)), .rtcp) }
    }

    @Test func oldSequenceNumberIsReprotectedForRetransmission() throws {
        let evp = try context(.openSSL, .outbound), reference = try context(.libsrtp, .outbound)
        var sent: [UInt16: [UInt8]] = [:]
        for step in 0..<300 {
            let sequence = UInt16(truncatingIfNeeded: 65400 + step)  // crosses the wrap
            let plain = packet(ssrc: 77, sequence: sequence)
            sent[sequence] = try evp.protect(plain, .rtp)
            #expect(try reference.protect(plain, .rtp) == sent[sequence])
        }
        for sequence: UInt16 in [65410, 65535, 0, 150] {
            let again = try evp.protect(packet(ssrc: 77, sequence: sequence), .rtp)
            #expect(again == sent[sequence])
            #expect(try reference.protect(packet(ssrc: 77, sequence: sequence), .rtp) == again)
        }
        // A receiver that missed 65535 (ROC 0) accepts its retransmission after the wrap.
        let rx = try context(.libsrtp, .inbound)
        for step in 0..<300 where step != 135 {
            _ = try rx.unprotect(sent[UInt16(truncatingIfNeeded: 65400 + step)]!, .rtp)
        }
        #expect(try rx.unprotect(evp.protect(packet(ssrc: 77, sequence: 65535), .rtp), .rtp)
                == packet(ssrc: 77, sequence: 65535))
    }

    @Test func knownAnswerVectorsOnBothEngines() throws {
        for vector in SRTPKnownAnswerTests.vectors where vector.profile == .aeadAES128GCM {
            for engine: SRTPContext.Engine in [.openSSL, .libsrtp] {
                let key = SRTPKnownAnswerTests.gcmKeyAndSalt
                let tx = try SRTPContext(profile: .aeadAES128GCM, masterKeyAndSalt: key, direction: .outbound, engine: engine)
                let rx = try SRTPContext(profile: .aeadAES128GCM, masterKeyAndSalt: key, direction: .inbound, engine: engine)
                let kind: PacketKind = vector.kind == .rtp ? .rtp : .rtcp
                let plain = vector.kind == .rtp ? SRTPKnownAnswerTests.rtp : senderReport
                #expect(try tx.protect(plain, kind) == hexBytes(vector.expected), "\(vector.name) on \(engine)")
                #expect(try rx.unprotect(hexBytes(vector.expected), kind) == plain)
            }
        }
    }
}
