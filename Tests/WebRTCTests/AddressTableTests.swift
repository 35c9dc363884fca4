import STUN
import Testing
@testable import RTP
@testable import WebRTC

/// Source addresses as `FlatTable` keys (`TransportServer.byAddress`).
@Suite struct AddressTableTests {
    func randomAddress(_ generator: inout some RandomNumberGenerator) -> TransportAddress {
        let port = UInt16.random(in: 0...3, using: &generator)  // few ports: nearby keys differ in one field
        if Bool.random(using: &generator) {
            return TransportAddress(ip: .v4(0x7F00_0000 | UInt32.random(in: 0...40, using: &generator)), port: port)
        }
        return TransportAddress(ip: .v6(0x2001_0DB8 << 32, UInt64.random(in: 0...40, using: &generator)), port: port)
    }

    /// Random inserts, replacements and removals of IPv4 and IPv6 addresses, checked against a Dictionary.
    @Test func matchesADictionary() {
        var generator = SystemRandomNumberGenerator()
        let table = FlatTable<TransportAddress, Int>()
        var model: [TransportAddress: Int] = [:]
        for step in 0..<10_000 {
            let address = randomAddress(&generator)
            if Int.random(in: 0..<3, using: &generator) == 0 {
                table[address] = nil
                model[address] = nil
            } else {
                table[address] = step
                model[address] = step
            }
            #expect(table.count == model.count)
        }
        for _ in 0..<1000 {
            let address = randomAddress(&generator)
            #expect(table[address] == model[address])
        }
    }

    /// A peer that controls the low half of its IPv6 addresses and its ports cannot line them up in one slot: 256
    /// addresses whose low half and port cancel under XOR still spread over the table. (Before the fold in
    /// `FlatTable.home`, about one table in 45 put them into 64 slots or fewer: an arithmetic progression.)
    @Test func addressesAPeerChoosesSpreadOut() {
        let table = FlatTable<TransportAddress, Int>()
        let addresses = (0..<256).map { index in
            TransportAddress(ip: .v6(0x2001_0DB8 << 32, 0xAB00 ^ UInt64(index)), port: 0xAB00 ^ UInt16(index))
        }
        for (index, address) in addresses.enumerated() { table[address] = index }
        let homes = Set(addresses.map { table.home(of: $0) })
        #expect(homes.count > 64, "\(homes.count) home slots for 256 addresses in \(table.capacity)")
        for (index, address) in addresses.enumerated() { #expect(table[address] == index) }
    }

    /// One school's NAT hands out ports in turn: its pupils' addresses spread as random ones do (about 200 home
    /// slots for 256), for every one of 200 tables' random multipliers.
    @Test func portsOneNATHandsOutInTurnSpreadOut() {
        let addresses = (0..<256).map { TransportAddress(ip: .v4(0xC633_6407), port: 40_000 + UInt16($0)) }
        let fewest = (0..<200).map { _ in
            let table = FlatTable<TransportAddress, Int>()
            for (index, address) in addresses.enumerated() { table[address] = index }
            return Set(addresses.map { table.home(of: $0) }).count
        }.min()!
        #expect(fewest > 128, "\(fewest) home slots for 256 addresses in 512")
    }
}
