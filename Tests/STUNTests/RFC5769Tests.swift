import Testing
@testable import STUN

/// RFC 5769 "Test Vectors for Session Traversal Utilities for NAT (STUN)", §2.1–2.4.
/// Note the vectors pad with spaces (0x20), not zeros; padding is covered by MESSAGE-INTEGRITY and FINGERPRINT,
/// so re-encoding with zero padding cannot reproduce the bytes: the tests verify the given bytes instead.
@Suite struct RFC5769Tests {
    static let password = Array("VOkJxbRl1RmTxUk/WvJxBt".utf8)
    static let transactionID: [UInt8] = [0xb7, 0xe7, 0xa7, 0x01, 0xbc, 0x34, 0xd6, 0x86, 0xfa, 0x87, 0xdf, 0xae]

    /// §2.1 Sample Request (software "STUN test client", username "evtj:h6vY", short-term password above).
    static let sampleRequest: [UInt8] = [
        0x00, 0x01, 0x00, 0x58,  // Binding request, length 88
        0x21, 0x12, 0xa4, 0x42,  // magic cookie
        0xb7, 0xe7, 0xa7, 0x01,  // }
        0xbc, 0x34, 0xd6, 0x86,  // } transaction ID
        0xfa, 0x87, 0xdf, 0xae,  // }
        0x80, 0x22, 0x00, 0x10,  // SOFTWARE, length 16
        0x53, 0x54, 0x55, 0x4e,  // "STUN"
        0x20, 0x74, 0x65, 0x73,  // " tes"
        0x74, 0x20, 0x63, 0x6c,  // "t cl"
        0x69, 0x65, 0x6e, 0x74,  // "ient"
        0x00, 0x24, 0x00, 0x04,  // PRIORITY, length 4
        0x6e, 0x00, 0x01, 0xff,  // 0x6e0001ff
        0x80, 0x29, 0x00, 0x08,  // ICE-CONTROLLED, length 8
        0x93, 0x2f, 0xf9, 0xb1,  // } tie breaker
        0x51, 0x26, 0x3b, 0x36,  // }
        0x00, 0x06, 0x00, 0x09,  // USERNAME, length 9
        0x65, 0x76, 0x74, 0x6a,  // "evtj"
        0x3a, 0x68, 0x36, 0x76,  // ":h6v"
        0x59, 0x20, 0x20, 0x20,  // "Y" + 3 bytes padding (spaces)
        0x00, 0x08, 0x00, 0x14,  // MESSAGE-INTEGRITY, length 20
        0x9a, 0xea, 0xa7, 0x0c,  // }
        0xbf, 0xd8, 0xcb, 0x56,  // }
        0x78, 0x1e, 0xf2, 0xb5,  // } HMAC-SHA1
        0xb2, 0xd3, 0xf2, 0x49,  // }
        0xc1, 0xb5, 0x71, 0xa2,  // }
        0x80, 0x28, 0x00, 0x04,  // FINGERPRINT, length 4
        0xe5, 0x7a, 0x3b, 0xcf,  // CRC-32 ^ 0x5354554e
    ]

    /// §2.2 Sample IPv4 Response (software "test vector", mapped address 192.0.2.1 port 32853).
    static let ipv4Response: [UInt8] = [
        0x01, 0x01, 0x00, 0x3c,  // Binding success response, length 60
        0x21, 0x12, 0xa4, 0x42,  // magic cookie
        0xb7, 0xe7, 0xa7, 0x01,  // }
        0xbc, 0x34, 0xd6, 0x86,  // } transaction ID
        0xfa, 0x87, 0xdf, 0xae,  // }
        0x80, 0x22, 0x00, 0x0b,  // SOFTWARE, length 11
        0x74, 0x65, 0x73, 0x74,  // "test"
        0x20, 0x76, 0x65, 0x63,  // " vec"
        0x74, 0x6f, 0x72, 0x20,  // "tor" + 1 byte padding (space)
        0x00, 0x20, 0x00, 0x08,  // XOR-MAPPED-ADDRESS, length 8
        0x00, 0x01, 0xa1, 0x47,  // reserved, family IPv4, port 32853 ^ 0x2112
        0xe1, 0x12, 0xa6, 0x43,  // 192.0.2.1 ^ 0x2112a442
        0x00, 0x08, 0x00, 0x14,  // MESSAGE-INTEGRITY, length 20
        0x2b, 0x91, 0xf5, 0x99,  // }
        0xfd, 0x9e, 0x90, 0xc3,  // }
        0x8c, 0x74, 0x89, 0xf9,  // } HMAC-SHA1
        0x2a, 0xf9, 0xba, 0x53,  // }
        0xf0, 0x6b, 0xe7, 0xd7,  // }
        0x80, 0x28, 0x00, 0x04,  // FINGERPRINT, length 4
        0xc0, 0x7d, 0x4c, 0x96,  // CRC-32 ^ 0x5354554e
    ]

    /// §2.3 Sample IPv6 Response (mapped address 2001:db8:1234:5678:11:2233:4455:6677 port 32853).
    static let ipv6Response: [UInt8] = [
        0x01, 0x01, 0x00, 0x48,  // Binding success response, length 72
        0x21, 0x12, 0xa4, 0x42,  // magic cookie
        0xb7, 0xe7, 0xa7, 0x01,  // }
        0xbc, 0x34, 0xd6, 0x86,  // } transaction ID
        0xfa, 0x87, 0xdf, 0xae,  // }
        0x80, 0x22, 0x00, 0x0b,  // SOFTWARE, length 11
        0x74, 0x65, 0x73, 0x74,  // "test"
        0x20, 0x76, 0x65, 0x63,  // " vec"
        0x74, 0x6f, 0x72, 0x20,  // "tor" + 1 byte padding (space)
        0x00, 0x20, 0x00, 0x14,  // XOR-MAPPED-ADDRESS, length 20
        0x00, 0x02, 0xa1, 0x47,  // reserved, family IPv6, port 32853 ^ 0x2112
        0x01, 0x13, 0xa9, 0xfa,  // }
        0xa5, 0xd3, 0xf1, 0x79,  // } address ^ (magic cookie ‖ transaction ID)
        0xbc, 0x25, 0xf4, 0xb5,  // }
        0xbe, 0xd2, 0xb9, 0xd9,  // }
        0x00, 0x08, 0x00, 0x14,  // MESSAGE-INTEGRITY, length 20
        0xa3, 0x82, 0x95, 0x4e,  // }
        0x4b, 0xe6, 0x7b, 0xf1,  // }
        0x17, 0x84, 0xc9, 0x7c,  // } HMAC-SHA1
        0x82, 0x92, 0xc2, 0x75,  // }
        0xbf, 0xe3, 0xed, 0x41,  // }
        0x80, 0x28, 0x00, 0x04,  // FINGERPRINT, length 4
        0xc8, 0xfb, 0x0b, 0x4c,  // CRC-32 ^ 0x5354554e
    ]

    /// §2.4 Sample Request with Long-Term Authentication (username "マトリックス", password "TheMatrIX" after
    /// SASLprep, nonce "f//499k954d6OL34oL9FSTvy64sA", realm "example.org"). No FINGERPRINT.
    static let longTermRequest: [UInt8] = [
        0x00, 0x01, 0x00, 0x60,  // Binding request, length 96
        0x21, 0x12, 0xa4, 0x42,  // magic cookie
        0x78, 0xad, 0x34, 0x33,  // }
        0xc6, 0xad, 0x72, 0xc0,  // } transaction ID
        0x29, 0xda, 0x41, 0x2e,  // }
        0x00, 0x06, 0x00, 0x12,  // USERNAME, length 18
        0xe3, 0x83, 0x9e, 0xe3,  // }
        0x83, 0x88, 0xe3, 0x83,  // }
        0xaa, 0xe3, 0x83, 0x83,  // } "マトリックス" (UTF-8) + 2 bytes padding
        0xe3, 0x82, 0xaf, 0xe3,  // }
        0x82, 0xb9, 0x00, 0x00,  // }
        0x00, 0x15, 0x00, 0x1c,  // NONCE, length 28
        0x66, 0x2f, 0x2f, 0x34,  // "f//4"
        0x39, 0x39, 0x6b, 0x39,  // "99k9"
        0x35, 0x34, 0x64, 0x36,  // "54d6"
        0x4f, 0x4c, 0x33, 0x34,  // "OL34"
        0x6f, 0x4c, 0x39, 0x46,  // "oL9F"
        0x53, 0x54, 0x76, 0x79,  // "STvy"
        0x36, 0x34, 0x73, 0x41,  // "64sA"
        0x00, 0x14, 0x00, 0x0b,  // REALM, length 11
        0x65, 0x78, 0x61, 0x6d,  // "exam"
        0x70, 0x6c, 0x65, 0x2e,  // "ple."
        0x6f, 0x72, 0x67, 0x00,  // "org" + 1 byte padding
        0x00, 0x08, 0x00, 0x14,  // MESSAGE-INTEGRITY, length 20
        0xf6, 0x70, 0x24, 0x65,  // }
        0x6d, 0xd6, 0x4a, 0x3e,  // }
        0x02, 0xb8, 0xe0, 0x71,  // } HMAC-SHA1 with key MD5("マトリックス:example.org:TheMatrIX")
        0x2e, 0x85, 0xc9, 0xa2,  // }
        0x8c, 0xa8, 0x96, 0x66,  // }
    ]

    @Test func parseSampleRequest() throws {
        let message = try STUNMessage(parsing: Self.sampleRequest)
        #expect(message.type == .bindingRequest)
        #expect(message.transactionID == Self.transactionID)
        #expect(message.attributes.count == 6)
        #expect(message.software == "STUN test client")
        #expect(message.priority == 0x6e00_01ff)
        #expect(message.iceControlled == 0x932f_f9b1_5126_3b36)
        #expect(message.iceControlling == nil)
        #expect(message.username == "evtj:h6vY")
        #expect(message.messageIntegrity?.count == 20)
        #expect(message.fingerprint == 0xe57a_3bcf)
        Self.sampleRequest.withUnsafeBytes { bytes in
            #expect(STUNMessage.isSTUN(bytes))
            #expect(STUNMessage.verifyIntegrity(bytes, key: Self.password))
            #expect(!STUNMessage.verifyIntegrity(bytes, key: Array("VOkJxbRl1RmTxUk/WvJxBu".utf8)))
            #expect(STUNMessage.verifyFingerprint(bytes))
        }
    }

    @Test func parseIPv4Response() throws {
        let message = try STUNMessage(parsing: Self.ipv4Response)
        #expect(message.type == .bindingSuccess)
        #expect(message.transactionID == Self.transactionID)
        #expect(message.software == "test vector")
        let expected = try #require(TransportAddress(string: "192.0.2.1", port: 32853))
        #expect(message.xorMappedAddress == expected)
        #expect(expected.ip == .v4(0xC000_0201))
        Self.ipv4Response.withUnsafeBytes { bytes in
            #expect(STUNMessage.verifyIntegrity(bytes, key: Self.password))
            #expect(STUNMessage.verifyFingerprint(bytes))
        }
    }

    @Test func parseIPv6Response() throws {
        let message = try STUNMessage(parsing: Self.ipv6Response)
        #expect(message.type == .bindingSuccess)
        #expect(message.software == "test vector")
        let expected = try #require(TransportAddress(string: "2001:db8:1234:5678:11:2233:4455:6677", port: 32853))
        #expect(expected.ip == .v6(0x2001_0db8_1234_5678, 0x0011_2233_4455_6677))
        #expect(message.xorMappedAddress == expected)
        #expect(message.xorMappedAddress?.description == "[2001:db8:1234:5678:11:2233:4455:6677]:32853")
        Self.ipv6Response.withUnsafeBytes { bytes in
            #expect(STUNMessage.verifyIntegrity(bytes, key: Self.password))
            #expect(STUNMessage.verifyFingerprint(bytes))
        }
    }

    @Test func parseLongTermRequest() throws {
        let message = try STUNMessage(parsing: Self.longTermRequest)
        #expect(message.type == .bindingRequest)
        #expect(message.username == "\u{30DE}\u{30C8}\u{30EA}\u{30C3}\u{30AF}\u{30B9}")
        #expect(message.attributes.contains(.unknown(type: STUNAttributeType.nonce,
                                                     value: Array("f//499k954d6OL34oL9FSTvy64sA".utf8))))
        #expect(message.attributes.contains(.unknown(type: STUNAttributeType.realm, value: Array("example.org".utf8))))
        #expect(message.fingerprint == nil)
        let key = STUNMessage.longTermKey(username: "\u{30DE}\u{30C8}\u{30EA}\u{30C3}\u{30AF}\u{30B9}",
                                          realm: "example.org", password: "TheMatrIX")
        Self.longTermRequest.withUnsafeBytes { bytes in
            #expect(STUNMessage.verifyIntegrity(bytes, key: key))
            #expect(!STUNMessage.verifyFingerprint(bytes))
        }
    }

    /// The re-encoded messages (zero padding) carry the same values and verify with the same key.
    @Test(arguments: [RFC5769Tests.sampleRequest, RFC5769Tests.ipv4Response, RFC5769Tests.ipv6Response])
    func reencode(vector: [UInt8]) throws {
        let message = try STUNMessage(parsing: vector)
        let bytes = message.serialize(integrityKey: Self.password, addFingerprint: true)
        #expect(bytes.count == vector.count)
        #expect(bytes[0..<20] == vector[0..<20])
        let again = try STUNMessage(parsing: bytes)
        #expect(again.attributes.dropLast(2) == message.attributes.dropLast(2))
        bytes.withUnsafeBytes { raw in
            #expect(STUNMessage.verifyIntegrity(raw, key: Self.password))
            #expect(STUNMessage.verifyFingerprint(raw))
        }
    }

    @Test func crc32CheckValue() {
        Array("123456789".utf8).withUnsafeBytes { #expect(CRC32.checksum($0) == 0xCBF4_3926) }
        [UInt8]().withUnsafeBytes { #expect(CRC32.checksum($0) == 0) }
    }
}
