import Testing
@testable import STUN

@Suite struct STUNMessageTests {
    static let id: [UInt8] = Array(1...12)

    @Test func messageTypeInterleaving() {
        #expect(STUNMessageType.bindingRequest.rawValue == 0x0001)
        #expect(STUNMessageType.bindingIndication.rawValue == 0x0011)
        #expect(STUNMessageType.bindingSuccess.rawValue == 0x0101)
        #expect(STUNMessageType.bindingError.rawValue == 0x0111)
        // TURN Allocate (0x003) error response: 0x0113; a high method exercises every bit group.
        #expect(STUNMessageType(method: 0x003, messageClass: .errorResponse).rawValue == 0x0113)
        for method in [UInt16(0), 1, 0x0F, 0x10, 0x7F, 0x80, 0xABC, 0xFFF] {
            for c in [STUNClass.request, .indication, .successResponse, .errorResponse] {
                let type = STUNMessageType(method: method, messageClass: c)
                #expect(STUNMessageType(rawValue: type.rawValue) == type)
                #expect(type.rawValue & 0xC000 == 0)
            }
        }
    }

    @Test func roundTripEveryAttribute() throws {
        let message = STUNMessage(type: .bindingSuccess, transactionID: Self.id, attributes: [
            .username("abcd:efgh"),
            .xorMappedAddress(TransportAddress(ip: .v4(0x7F00_0001), port: 5000)),
            .xorMappedAddress(TransportAddress(string: "2001:db8::1", port: 443)!),
            .mappedAddress(TransportAddress(ip: .v4(0x0A00_0001), port: 1)),
            .mappedAddress(TransportAddress(ip: .v6(0, 1), port: 65535)),
            .priority(0x6E00_01FF),
            .useCandidate,
            .iceControlling(0x0102_0304_0506_0708),
            .iceControlled(.max),
            .errorCode(code: 487, reason: "Role Conflict"),
            .software("ClassBridge ✓"),
            .unknown(type: 0x8055, value: [1, 2, 3]),
            .unknown(type: 0xC001, value: []),
        ])
        let bytes = message.serialize()
        #expect(bytes.count % 4 == 0)
        #expect(Int(bytes[2]) << 8 | Int(bytes[3]) == bytes.count - 20)
        let parsed = try STUNMessage(parsing: bytes)
        #expect(parsed == message)
        #expect(parsed.serialize() == bytes)
        #expect(parsed.errorCode?.code == 487)
    }

    @Test func integrityAndFingerprintAreAppendedLast() throws {
        let key = Array("secret-password-0123456".utf8)
        let message = STUNMessage(type: .bindingRequest, transactionID: Self.id,
                                  attributes: [.username("a:b"), .fingerprint(1), .messageIntegrity([0])])
        let bytes = message.serialize(integrityKey: key, addFingerprint: true)
        let parsed = try STUNMessage(parsing: bytes)
        #expect(parsed.attributes.count == 3)
        #expect(parsed.attributes.first == .username("a:b"))
        guard case .messageIntegrity = parsed.attributes[1], case .fingerprint = parsed.attributes[2] else {
            Issue.record("expected MESSAGE-INTEGRITY then FINGERPRINT: \(parsed.attributes)")
            return
        }
        bytes.withUnsafeBytes { raw in
            #expect(STUNMessage.verifyIntegrity(raw, key: key))
            #expect(!STUNMessage.verifyIntegrity(raw, key: key.dropLast() + [0]))
            #expect(STUNMessage.verifyFingerprint(raw))
        }
        // Integrity only, and fingerprint only.
        message.serialize(integrityKey: key).withUnsafeBytes { raw in
            #expect(STUNMessage.verifyIntegrity(raw, key: key))
            #expect(!STUNMessage.verifyFingerprint(raw))
        }
        STUNMessage(type: .bindingIndication, transactionID: Self.id).serialize(addFingerprint: true)
            .withUnsafeBytes { raw in
                #expect(STUNMessage.verifyFingerprint(raw))
                #expect(!STUNMessage.verifyIntegrity(raw, key: key))
            }
    }

    @Test func tamperingIsDetected() {
        let key = Array("pw".utf8)
        let bytes = STUNMessage(type: .bindingRequest, transactionID: Self.id, attributes: [.username("x:y")])
            .serialize(integrityKey: key, addFingerprint: true)
        for index in 0..<bytes.count {
            var copy = bytes
            copy[index] ^= 0x01
            copy.withUnsafeBytes { raw in
                // Every flipped bit breaks the fingerprint, the integrity, or the framing.
                #expect(!(STUNMessage.verifyIntegrity(raw, key: key) && STUNMessage.verifyFingerprint(raw)),
                        "flip at \(index)")
            }
        }
    }

    @Test func authenticatedAttributesStopAtIntegrity() throws {
        var bytes = STUNMessage(type: .bindingRequest, transactionID: Self.id, attributes: [.username("x:y")])
            .serialize(integrityKey: [1, 2, 3])
        // Append USE-CANDIDATE after MESSAGE-INTEGRITY: still verifies, but is not authenticated.
        bytes += [0x00, 0x25, 0x00, 0x00]
        bytes[3] += 4
        let message = try STUNMessage(parsing: bytes)
        #expect(message.useCandidate)
        #expect(!message.authenticatedAttributes.contains(.useCandidate))
        bytes.withUnsafeBytes { #expect(STUNMessage.verifyIntegrity($0, key: [1, 2, 3])) }
    }

    @Test func malformedInputsThrow() {
        let good = STUNMessage(type: .bindingRequest, transactionID: Self.id, attributes: [.username("ab:cd")])
            .serialize()
        #expect(throws: STUNError.truncated) { try STUNMessage(parsing: Array(good.prefix(19))) }
        #expect(throws: STUNError.truncated) { try STUNMessage(parsing: Array(good.dropLast(4))) }
        var badCookie = good
        badCookie[4] = 0x21 ^ 0xFF
        #expect(throws: STUNError.badMagicCookie) { try STUNMessage(parsing: badCookie) }
        var notSTUN = good
        notSTUN[0] = 0x80
        #expect(throws: STUNError.notSTUN) { try STUNMessage(parsing: notSTUN) }
        var unaligned = good
        unaligned[3] += 1
        #expect(throws: STUNError.badLength) { try STUNMessage(parsing: unaligned + [0]) }
        #expect(throws: STUNError.badLength) { try STUNMessage(parsing: good + [0, 0, 0, 0]) }
        var overrun = good
        overrun[23] = 0x40  // USERNAME length 64 > 8 bytes left
        #expect(throws: STUNError.attributeOverrun(type: 0x0006)) { try STUNMessage(parsing: overrun) }
        let badPriority: [UInt8] = [0x00, 0x01, 0x00, 0x08, 0x21, 0x12, 0xa4, 0x42] + Self.id
            + [0x00, 0x24, 0x00, 0x02, 0x00, 0x01, 0x00, 0x00]
        #expect(throws: STUNError.invalidAttribute(type: 0x0024)) { try STUNMessage(parsing: badPriority) }
        let badFamily: [UInt8] = [0x01, 0x01, 0x00, 0x0C, 0x21, 0x12, 0xa4, 0x42] + Self.id
            + [0x00, 0x20, 0x00, 0x08, 0x00, 0x03, 0x00, 0x01, 0x7F, 0x00, 0x00, 0x01]
        #expect(throws: STUNError.invalidAttribute(type: 0x0020)) { try STUNMessage(parsing: badFamily) }
        let badUTF8: [UInt8] = [0x00, 0x01, 0x00, 0x08, 0x21, 0x12, 0xa4, 0x42] + Self.id
            + [0x00, 0x06, 0x00, 0x02, 0xC3, 0x28, 0x00, 0x00]
        #expect(throws: STUNError.invalidAttribute(type: 0x0006)) { try STUNMessage(parsing: badUTF8) }
    }

    @Test func isSTUNDemux() {
        let good = STUNMessage(type: .bindingRequest, transactionID: Self.id).serialize()
        good.withUnsafeBytes { #expect(STUNMessage.isSTUN($0)) }
        var dtls = good
        dtls[0] = 22  // DTLS handshake
        dtls.withUnsafeBytes { #expect(!STUNMessage.isSTUN($0)) }
        Array(good.prefix(19)).withUnsafeBytes { #expect(!STUNMessage.isSTUN($0)) }
        [UInt8]().withUnsafeBytes { #expect(!STUNMessage.isSTUN($0)) }
    }

    @Test func findAttribute() {
        let bytes = STUNMessage(type: .bindingRequest, transactionID: Self.id,
                                attributes: [.software("abc"), .username("L:R")]).serialize()
        bytes.withUnsafeBytes { raw in
            let range = STUNMessage.findAttribute(STUNAttributeType.username, in: raw)
            #expect(range.map { Array(raw[$0]) } == Array("L:R".utf8))
            #expect(STUNMessage.findAttribute(STUNAttributeType.priority, in: raw) == nil)
        }
    }

    @Test func shortTransactionIDIsPadded() throws {
        let bytes = STUNMessage(type: .bindingRequest, transactionID: [9]).serialize()
        #expect(bytes.count == 20)
        #expect(try STUNMessage(parsing: bytes).transactionID == [9] + Array(repeating: 0, count: 11))
        #expect(STUNMessage.randomTransactionID().count == 12)
    }
}
