import Testing
import STUN

@Suite struct TransportAddressTests {
    @Test func ipv4() throws {
        let a = try #require(TransportAddress(string: "127.0.0.1", port: 5000))
        #expect(a.ip == .v4(0x7F00_0001))
        #expect(a.description == "127.0.0.1:5000")
        #expect(a.hostString == "127.0.0.1")
        #expect(TransportAddress(string: "255.255.255.255", port: 0)?.ip == .v4(.max))
    }

    struct IPv6Case: Sendable, CustomStringConvertible {
        var text: String, canonical: String, hi: UInt64, lo: UInt64
        var description: String { text }
    }

    static let ipv6Cases: [IPv6Case] = [
        IPv6Case(text: "::1", canonical: "::1", hi: 0, lo: 1),
        IPv6Case(text: "::", canonical: "::", hi: 0, lo: 0),
        IPv6Case(text: "2001:DB8::1", canonical: "2001:db8::1", hi: 0x2001_0db8_0000_0000, lo: 1),
        IPv6Case(text: "2001:db8:0:0:1:0:0:1", canonical: "2001:db8::1:0:0:1",
                 hi: 0x2001_0db8_0000_0000, lo: 0x0001_0000_0000_0001),
        IPv6Case(text: "fe80::", canonical: "fe80::", hi: 0xfe80_0000_0000_0000, lo: 0),
        IPv6Case(text: "2001:db8:1:2:3:4:5:6", canonical: "2001:db8:1:2:3:4:5:6",
                 hi: 0x2001_0db8_0001_0002, lo: 0x0003_0004_0005_0006),
        IPv6Case(text: "2001:0:0:1::1", canonical: "2001:0:0:1::1", hi: 0x2001_0000_0000_0001, lo: 1),
        IPv6Case(text: "::ffff:192.0.2.1", canonical: "::ffff:192.0.2.1", hi: 0, lo: 0x0000_ffff_c000_0201),
        IPv6Case(text: "[::1]", canonical: "::1", hi: 0, lo: 1),
    ]

    @Test(arguments: TransportAddressTests.ipv6Cases)
    func ipv6(c: IPv6Case) throws {
        let a = try #require(TransportAddress(string: c.text, port: 443))
        #expect(a.ip == .v6(c.hi, c.lo))
        #expect(a.hostString == c.canonical)
        #expect(a.description == "[\(c.canonical)]:443")
        #expect(TransportAddress(string: a.hostString, port: 443) == a)
    }

    @Test(arguments: ["", "1.2.3", "1.2.3.4.5", "256.0.0.1", "1..2.3", "01234.1.1.1", "a.b.c.d", " 1.2.3.4",
                      ":", ":::", "1::2::3", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7", "12345::", "::g", ":1::",
                      "1::2:", "fe80::1%eth0", "::1.2.3.4:5", "1:2:3:4:5:6:7::8", "::ffff:1.2.3"])
    func rejects(text: String) {
        #expect(TransportAddress(string: text, port: 1) == nil)
    }

    @Test func ipv4Mapped() {
        #expect(TransportAddress(string: "::ffff:10.0.0.1", port: 1)?.ipv4Value == 0x0A00_0001)
        #expect(TransportAddress(string: "10.0.0.1", port: 1)?.ipv4Value == 0x0A00_0001)
        #expect(TransportAddress(string: "::1", port: 1)?.ipv4Value == nil)
    }
}
