import Testing
import SRTP

@Suite struct SRTPContextTests {
    static let profiles: [SRTPProfile] = [.aeadAES128GCM, .aes128CMHMACSHA1_80]

    func key(for profile: SRTPProfile) -> [UInt8] {
        (0..<(profile.keyLength + profile.saltLength)).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ 3) }
    }

    func pair(_ profile: SRTPProfile) throws -> (tx: SRTPContext, rx: SRTPContext) {
        let material = key(for: profile)
        return (try SRTPContext(profile: profile, masterKeyAndSalt: material, direction: .outbound),
                try SRTPContext(profile: profile, masterKeyAndSalt: material, direction: .inbound))
    }

    @Test func profileIDsAndLengths() {
        #expect(SRTPProfile(dtlsProfileID: 0x0007) == .aeadAES128GCM)
        #expect(SRTPProfile(dtlsProfileID: 0x0001) == .aes128CMHMACSHA1_80)
        #expect(SRTPProfile(dtlsProfileID: 0x0002) == nil)
        #expect(SRTPProfile.aeadAES128GCM.keyLength == 16 && SRTPProfile.aeadAES128GCM.saltLength == 12)
        #expect(SRTPProfile.aes128CMHMACSHA1_80.keyLength == 16 && SRTPProfile.aes128CMHMACSHA1_80.saltLength == 14)
        #expect(SRTPContext.maxTrailerLength >= 20)
    }

    @Test(arguments: profiles) func rtpRoundTrip(profile: SRTPProfile) throws {
        let (tx, rx) = try pair(profile)
        for sequence in UInt16(1000)..<1010 {
            let plain = rtpPacket(sequence: sequence)
            let protected = try tx.protect(plain, .rtp)
            #expect(protected.count == plain.count + profile.rtpTrailerLength)
            #expect(protected.prefix(12) == plain.prefix(12))     // header stays in the clear
            #expect(protected[12..<plain.count] != plain[12...])  // payload does not
            #expect(try rx.unprotect(protected, .rtp) == plain)
        }
    }

    @Test(arguments: profiles) func rtcpRoundTrip(profile: SRTPProfile) throws {
        let (tx, rx) = try pair(profile)
        for _ in 0..<3 {
            let protected = try tx.protect(senderReport, .rtcp)
            #expect(protected.count == senderReport.count + profile.rtcpTrailerLength)
            #expect(try rx.unprotect(protected, .rtcp) == senderReport)
        }
    }

    @Test(arguments: profiles) func tamperedPacketIsRejected(profile: SRTPProfile) throws {
        let (tx, rx) = try pair(profile)
        let protected = try tx.protect(rtpPacket(sequence: 7), .rtp)
        for position in [1, 12, protected.count - 1] {  // header, payload, tag
            var tampered = protected
            tampered[position] ^= 0x01
            #expect { try rx.unprotect(tampered, .rtp) } throws: { ($0 as? SRTPError)?.isAuthenticationFailure == true }
        }
        var tamperedRTCP = try tx.protect(senderReport, .rtcp)
        tamperedRTCP[10] ^= 0x80
        #expect(throws: SRTPError.self) { try rx.unprotect(tamperedRTCP, .rtcp) }
        // The untouched packet still passes afterwards: failures do not poison the replay window.
        #expect(try rx.unprotect(protected, .rtp) == rtpPacket(sequence: 7))
    }

    @Test(arguments: profiles) func replayIsRejected(profile: SRTPProfile) throws {
        let (tx, rx) = try pair(profile)
        let protected = try tx.protect(rtpPacket(sequence: 42), .rtp)
        _ = try rx.unprotect(protected, .rtp)
        #expect { try rx.unprotect(protected, .rtp) } throws: { ($0 as? SRTPError)?.isReplay == true }
        let protectedRTCP = try tx.protect(senderReport, .rtcp)
        _ = try rx.unprotect(protectedRTCP, .rtcp)
        #expect { try rx.unprotect(protectedRTCP, .rtcp) } throws: { ($0 as? SRTPError)?.isReplay == true }
    }

    @Test(arguments: profiles) func retransmissionMayReprotectASequenceNumber(profile: SRTPProfile) throws {
        let (tx, rx) = try pair(profile)
        let plain = rtpPacket(sequence: 500)
        let first = try tx.protect(plain, .rtp)
        let again = try tx.protect(plain, .rtp)  // allow_repeat_tx: a NACKed packet is sent again
        #expect(first == again)
        _ = try rx.unprotect(again, .rtp)
    }

    @Test(arguments: profiles) func wrongKeyFailsAuthentication(profile: SRTPProfile) throws {
        let tx = try SRTPContext(profile: profile, masterKeyAndSalt: key(for: profile), direction: .outbound)
        var other = key(for: profile)
        other[0] ^= 0xff
        let rx = try SRTPContext(profile: profile, masterKeyAndSalt: other, direction: .inbound)
        let protected = try tx.protect(rtpPacket(sequence: 1), .rtp)
        #expect(throws: SRTPError.self) { try rx.unprotect(protected, .rtp) }
    }

    @Test func badParametersThrowInsteadOfOverrunning() throws {
        #expect(throws: SRTPError.self) {
            try SRTPContext(profile: .aeadAES128GCM, masterKeyAndSalt: [1, 2, 3], direction: .inbound)
        }
        let tx = try SRTPContext(profile: .aeadAES128GCM, masterKeyAndSalt: key(for: .aeadAES128GCM),
                                 direction: .outbound)
        var exact = rtpPacket(sequence: 1)  // no slack for the tag
        let count = exact.count
        #expect { try exact.withUnsafeMutableBytes { (raw) throws(SRTPError) in try tx.protectRTP(raw, length: count) } }
            throws: { ($0 as? SRTPError)?.code == SRTPError.badParameterCode }
        #expect(throws: SRTPError.self) {
            try exact.withUnsafeMutableBytes { (raw) throws(SRTPError) in try tx.unprotectRTP(raw, length: count + 1) }
        }
    }
}
