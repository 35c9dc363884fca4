import Testing
@testable import WebRTC

/// Reports given as bytes (`sendRTCP(_: [UInt8])`) are copied once, into the socket's next send slot inside the
/// loop's `sendingTogether`, and protected there: what the peer unprotects is what was given, in order.
@Suite struct RTCPSendSlotTests {
    @Test func reportsSentTogetherArriveAsGiven() throws {
        let peer = try LoopbackPeer()
        #expect(peer.connect())
        let first: [UInt8] = [0x80, 0xC8, 0x00, 0x06] + (0..<24).map { UInt8($0) }  // an SR with a marked body
        let second: [UInt8] = [0x80, 0xC9, 0x00, 0x01, 0xCA, 0xFE, 0xBA, 0xBE]  // an empty RR
        let outside: [UInt8] = [0x80, 0xC9, 0x00, 0x01, 0x01, 0x02, 0x03, 0x04]
        peer.server.socket.sendingTogether {
            peer.transport.sendRTCP(first)
            peer.transport.sendRTCP(second)
        }
        peer.transport.sendRTCP(outside)  // no slot outside a block: through the scratch, as before

        let received = peer.receive()
        #expect(received.count == 3)
        let plain = received.map { datagram -> [UInt8] in
            var bytes = datagram
            let length = bytes.withUnsafeMutableBytes { try? peer.srtpIn?.unprotectRTCP($0, length: datagram.count) }
            return Array(bytes[0..<(length ?? 0)])
        }
        #expect(plain == [first, second, outside])
    }
}
