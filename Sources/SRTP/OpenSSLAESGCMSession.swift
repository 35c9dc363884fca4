internal import COpenSSL
import RTP

/// AEAD_AES_128_GCM SRTP and SRTCP (RFC 7714) over OpenSSL: one direction of one session, any SSRC.
///
/// Keys come from the RFC 3711 §4.3 KDF (AES-128-CTR, key derivation rate 0) as libsrtp derives them: the 12-byte
/// master salt is zero-padded to 14 bytes. One cipher context for RTP and one for RTCP (`ProviderAESGCM`) are keyed
/// once here; per packet only the IV (and the tag to check) is set, so nothing is allocated per packet (after the
/// first packet of an SSRC, which adds that SSRC's state to a table). Buffer room and bounds are checked by
/// `SRTPContext` before calling in.
final class OpenSSLAESGCMSession {
    static let tagLength = 16
    private static let saltLength = 12

    private let rtpCipher: ProviderAESGCM
    private let rtcpCipher: ProviderAESGCM
    /// Session salts as big-endian integers: bytes 0–3 and bytes 4–11.
    private let rtpSalt: (high: UInt32, low: UInt64)
    private let rtcpSalt: (high: UInt32, low: UInt64)

    /// Per SSRC: ROC estimate (+ replay window, inbound) for SRTP; last SRTCP index sent, or the SRTCP window.
    private let rtpStreams = SSRCTable<SRTPIndexTracker>()
    private let rtcpSent = SSRCTable<UInt32>()
    private let rtcpReceived = SSRCTable<SRTCPReplayWindow>()

    init(masterKeyAndSalt: [UInt8]) throws(SRTPError) {
        guard masterKeyAndSalt.count == 16 + Self.saltLength else {
            throw SRTPError(code: SRTPError.badParameterCode, operation: "create")
        }
        let masterKey = Array(masterKeyAndSalt[0..<16])
        let masterSalt = Array(masterKeyAndSalt[16...])
        guard var rtpKey = Self.derive(label: 0, count: 16, masterKey: masterKey, masterSalt: masterSalt),
              let rtpSaltBytes = Self.derive(label: 2, count: 12, masterKey: masterKey, masterSalt: masterSalt),
              var rtcpKey = Self.derive(label: 3, count: 16, masterKey: masterKey, masterSalt: masterSalt),
              let rtcpSaltBytes = Self.derive(label: 5, count: 12, masterKey: masterKey, masterSalt: masterSalt)
        else { throw SRTPError(code: SRTPError.cipherFailureCode, operation: "create") }
        defer {
            OPENSSL_cleanse(&rtpKey, rtpKey.count)
            OPENSSL_cleanse(&rtcpKey, rtcpKey.count)
        }
        rtpSalt = Self.split(rtpSaltBytes)
        rtcpSalt = Self.split(rtcpSaltBytes)
        guard let rtp = ProviderAESGCM(key: rtpKey), let rtcp = ProviderAESGCM(key: rtcpKey) else {
            throw SRTPError(code: SRTPError.cipherFailureCode, operation: "create")
        }
        rtpCipher = rtp
        rtcpCipher = rtcp
    }

    // MARK: SRTP (RFC 7714 §8)

    /// `base[0..<length]` is an RTP packet with at least `tagLength` bytes of room after it.
    func protectRTP(_ base: UnsafeMutableRawPointer, length: Int) throws(SRTPError) -> Int {
        let headerLength = try Self.rtpHeaderLength(base, length: length, operation: "protect_rtp")
        let sequence = UInt16(bigEndian: base.loadUnaligned(fromByteOffset: 2, as: UInt16.self))
        let ssrc = UInt32(bigEndian: base.loadUnaligned(fromByteOffset: 8, as: UInt32.self))
        // No outbound replay check: a NACKed packet may be protected again (libsrtp's allow_repeat_tx).
        let slot = rtpStreams.slot(of: ssrc)
        var tracker = slot.map { rtpStreams[slot: $0] } ?? SRTPIndexTracker(tracksReplays: false)
        let (index, delta) = tracker.estimate(sequence: sequence)
        let iv = Self.rtpIV(salt: rtpSalt, ssrc: ssrc, index: index)
        try seal(rtpCipher, iv: iv, base, aadLength: headerLength, extraAAD: nil, dataEnd: length,
                 operation: "protect_rtp")
        tracker.add(index: index, delta: delta)
        if let slot { rtpStreams[slot: slot] = tracker } else { rtpStreams[ssrc] = tracker }
        return length + Self.tagLength
    }

    func unprotectRTP(_ base: UnsafeMutableRawPointer, length: Int) throws(SRTPError) -> Int {
        let operation = "unprotect_rtp"
        let headerLength = try Self.rtpHeaderLength(base, length: length, operation: operation)
        guard length - headerLength >= Self.tagLength else {
            throw SRTPError(code: SRTPError.badParameterCode, operation: operation)
        }
        let sequence = UInt16(bigEndian: base.loadUnaligned(fromByteOffset: 2, as: UInt16.self))
        let ssrc = UInt32(bigEndian: base.loadUnaligned(fromByteOffset: 8, as: UInt32.self))
        let slot = rtpStreams.slot(of: ssrc)
        let (index, delta): (UInt64, Int64)
        if let slot {
            (index, delta) = rtpStreams[slot: slot].estimate(sequence: sequence)
            if let code = rtpStreams[slot: slot].check(index: index, delta: delta) {
                throw SRTPError(code: code, operation: operation)
            }
        } else {
            guard rtpStreams.count < SRTPContext.maxInboundSSRCs else {
                throw SRTPError(code: SRTPError.streamLimitCode, operation: operation)
            }
            (index, delta) = (UInt64(sequence), Int64(sequence))  // a new SSRC starts at ROC 0
        }
        let dataEnd = length - Self.tagLength
        let iv = Self.rtpIV(salt: rtpSalt, ssrc: ssrc, index: index)
        try open(rtpCipher, iv: iv, base, aadLength: headerLength, extraAAD: nil, dataEnd: dataEnd,
                 operation: operation)
        // Authenticated: only now does the packet move the stream's state.
        if let slot {
            rtpStreams[slot: slot].add(index: index, delta: delta)
        } else {
            var tracker = SRTPIndexTracker(tracksReplays: true)
            tracker.add(index: index, delta: delta)
            rtpStreams[ssrc] = tracker
        }
        return dataEnd
    }

    // MARK: SRTCP (RFC 7714 §9)

    /// `base[0..<length]` is an RTCP compound packet with at least `tagLength + 4` bytes of room after it.
    func protectRTCP(_ base: UnsafeMutableRawPointer, length: Int) throws(SRTPError) -> Int {
        let operation = "protect_rtcp"
        guard length >= 8 else { throw SRTPError(code: SRTPError.badParameterCode, operation: operation) }
        let ssrc = UInt32(bigEndian: base.loadUnaligned(fromByteOffset: 4, as: UInt32.self))
        let index = (rtcpSent[ssrc] ?? 0) &+ 1  // per SSRC, first packet index 1, as libsrtp
        guard index <= 0x7fff_ffff else { throw SRTPError(code: SRTPError.keyExpiredCode, operation: operation) }
        let word = base + length + Self.tagLength
        word.storeBytes(of: (0x8000_0000 | index).bigEndian, as: UInt32.self)  // E = 1: encrypted
        let iv = Self.rtcpIV(salt: rtcpSalt, ssrc: ssrc, index: index)
        try seal(rtcpCipher, iv: iv, base, aadLength: 8, extraAAD: UnsafeRawPointer(word), dataEnd: length,
                 operation: operation)
        rtcpSent[ssrc] = index
        return length + Self.tagLength + 4
    }

    func unprotectRTCP(_ base: UnsafeMutableRawPointer, length: Int) throws(SRTPError) -> Int {
        let operation = "unprotect_rtcp"
        guard length >= 8 + Self.tagLength + 4 else {
            throw SRTPError(code: SRTPError.badParameterCode, operation: operation)
        }
        let ssrc = UInt32(bigEndian: base.loadUnaligned(fromByteOffset: 4, as: UInt32.self))
        let word = base + length - 4
        let eAndIndex = UInt32(bigEndian: word.loadUnaligned(as: UInt32.self))
        let index = eAndIndex & 0x7fff_ffff
        let slot = rtcpReceived.slot(of: ssrc)
        if let slot, let code = rtcpReceived[slot: slot].check(index) {
            throw SRTPError(code: code, operation: operation)
        }
        if slot == nil, rtcpReceived.count >= SRTPContext.maxInboundSSRCs {
            throw SRTPError(code: SRTPError.streamLimitCode, operation: operation)
        }
        let dataEnd = length - 4 - Self.tagLength
        let iv = Self.rtcpIV(salt: rtcpSalt, ssrc: ssrc, index: index)
        // E = 0 (RFC 7714 §9.2): the whole packet is authenticated only, as associated data.
        let encrypted = eAndIndex & 0x8000_0000 != 0
        try open(rtcpCipher, iv: iv, base, aadLength: encrypted ? 8 : dataEnd, extraAAD: UnsafeRawPointer(word),
                 dataEnd: dataEnd, operation: operation)
        if let slot {
            rtcpReceived[slot: slot].add(index)
        } else {
            var window = SRTCPReplayWindow()
            window.add(index)
            rtcpReceived[ssrc] = window
        }
        return dataEnd
    }

    // MARK: AES-GCM

    private typealias IV = (UInt32, UInt64)  // 12 bytes once stored big-endian

    private func seal(
        _ cipher: borrowing ProviderAESGCM, iv: IV, _ base: UnsafeMutableRawPointer, aadLength: Int,
        extraAAD: UnsafeRawPointer?, dataEnd: Int, operation: String
    ) throws(SRTPError) {
        let sealed = Self.withIV(iv) {
            cipher.seal(iv: $0, base, aadLength: aadLength, extraAAD: extraAAD, dataEnd: dataEnd)
        }
        guard sealed else { throw SRTPError(code: SRTPError.cipherFailureCode, operation: operation) }
    }

    /// The caller drops a packet that fails (its payload is garbage then).
    private func open(
        _ cipher: borrowing ProviderAESGCM, iv: IV, _ base: UnsafeMutableRawPointer, aadLength: Int,
        extraAAD: UnsafeRawPointer?, dataEnd: Int, operation: String
    ) throws(SRTPError) {
        let result = Self.withIV(iv) {
            cipher.open(iv: $0, base, aadLength: aadLength, extraAAD: extraAAD, dataEnd: dataEnd)
        }
        switch result {
        case .opened: return
        case .authenticationFailed: throw SRTPError(code: SRTPError.authenticationFailureCode, operation: operation)
        case .failed: throw SRTPError(code: SRTPError.cipherFailureCode, operation: operation)
        }
    }

    @inline(__always)
    private static func withIV<R>(_ iv: IV, _ body: (UnsafePointer<UInt8>) -> R) -> R {
        var storage: (UInt64, UInt64) = (0, 0)  // 16 bytes on the stack; the IV is the first 12
        return withUnsafeMutableBytes(of: &storage) { raw in
            raw.storeBytes(of: iv.0.bigEndian, toByteOffset: 0, as: UInt32.self)
            raw.storeBytes(of: iv.1.bigEndian, toByteOffset: 4, as: UInt64.self)
            return body(UnsafePointer(raw.baseAddress!.assumingMemoryBound(to: UInt8.self)))
        }
    }

    /// 0x0000 || SSRC || ROC || SEQ, XOR the salt.
    private static func rtpIV(salt: (high: UInt32, low: UInt64), ssrc: UInt32, index: UInt64) -> IV {
        (salt.high ^ (ssrc >> 16), salt.low ^ (UInt64(ssrc & 0xffff) << 48 | (index & 0xffff_ffff_ffff)))
    }

    /// 0x0000 || SSRC || 0x0000 || index (31 bits), XOR the salt.
    private static func rtcpIV(salt: (high: UInt32, low: UInt64), ssrc: UInt32, index: UInt32) -> IV {
        (salt.high ^ (ssrc >> 16), salt.low ^ (UInt64(ssrc & 0xffff) << 48 | UInt64(index & 0x7fff_ffff)))
    }

    // MARK: Setup

    /// The RTP header's length (fixed header, CSRCs, extension), checked against `length`.
    private static func rtpHeaderLength(
        _ base: UnsafeMutableRawPointer, length: Int, operation: String
    ) throws(SRTPError) -> Int {
        let parseError = SRTPError(code: SRTPError.parseErrorCode, operation: operation)
        guard length >= 12 else { throw parseError }
        let first = base.load(as: UInt8.self)
        var headerLength = 12 + 4 * Int(first & 0x0f)
        if first & 0x10 != 0 {
            guard length >= headerLength + 4 else { throw parseError }
            let words = UInt16(bigEndian: base.loadUnaligned(fromByteOffset: headerLength + 2, as: UInt16.self))
            headerLength += 4 + 4 * Int(words)
        }
        guard length >= headerLength else { throw parseError }
        return headerLength
    }

    private static func split(_ salt: [UInt8]) -> (high: UInt32, low: UInt64) {
        (salt[0..<4].reduce(0) { $0 << 8 | UInt32($1) }, salt[4..<12].reduce(0) { $0 << 8 | UInt64($1) })
    }

    /// RFC 3711 §4.3.1 with kdr 0: AES-128-CTR keystream under the master key, IV = (salt14 XOR label at byte 7) || 0x0000.
    private static func derive(label: UInt8, count: Int, masterKey: [UInt8], masterSalt: [UInt8]) -> [UInt8]? {
        var iv = masterSalt + [UInt8](repeating: 0, count: 16 - masterSalt.count)
        iv[7] ^= label
        guard let context = EVP_CIPHER_CTX_new() else { return nil }
        defer { EVP_CIPHER_CTX_free(context) }
        let zeros = [UInt8](repeating: 0, count: count)
        var output = [UInt8](repeating: 0, count: count + 16)
        var written: Int32 = 0
        guard EVP_EncryptInit_ex(context, EVP_aes_128_ctr(), nil, masterKey, iv) == 1,
              EVP_EncryptUpdate(context, &output, &written, zeros, Int32(count)) == 1, written == Int32(count)
        else { return nil }
        return Array(output.prefix(count))
    }
}
