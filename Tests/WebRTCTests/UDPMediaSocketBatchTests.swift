import Foundation
import STUN
import Testing
import WebRTC

/// Inside `sendingTogether` the socket queues what it sends and sends it in one `sendmmsg` when the block
/// returns (or when 64 are queued); outside it sends at once. Nothing is lost or reordered either way.
@Suite struct UDPMediaSocketBatchTests {
    let sender: UDPMediaSocket
    let receiver: UDPMediaSocket
    let destination: TransportAddress

    init() throws {
        sender = try UDPMediaSocket(host: "127.0.0.1", port: 0)
        receiver = try UDPMediaSocket(host: "127.0.0.1", port: 0)
        destination = TransportAddress(ip: .v4(0x7F00_0001), port: receiver.localPort)
    }

    /// Datagram `i` carries `i` in its first two bytes and is `100 + i % 900` bytes long.
    func send(_ index: Int, to address: TransportAddress? = nil) {
        var bytes = [UInt8](repeating: UInt8(truncatingIfNeeded: index), count: 100 + index % 900)
        bytes[0] = UInt8(index >> 8)
        bytes[1] = UInt8(truncatingIfNeeded: index)
        sender.send(bytes, to: address ?? destination)
    }

    /// What has arrived so far (loopback delivers within the sending call).
    func received() -> [Int] {
        var indexes: [Int] = []
        while receiver.receiveBatch({ bytes, _, _ in
            let index = Int(bytes[0]) << 8 | Int(bytes[1])
            indexes.append(bytes.count == 100 + index % 900 ? index : -1)
        }) > 0 {}
        return indexes
    }

    @Test func sendsInsideTheBlockLeaveTogetherWhenItReturnsInOrder() {
        sender.sendingTogether {
            for i in 0..<10 { send(i) }
            #expect(received().isEmpty)
            for i in 10..<150 { send(i) }  // more than one batch: the first 64 leave when the queue is full
        }
        #expect(received() == Array(0..<150))
        #expect(sender.sendErrors == 0)
    }

    @Test func aNestedBlockSendsOnlyWhenTheOutermostReturns() {
        sender.sendingTogether {
            send(0)
            sender.sendingTogether { send(1) }
            #expect(received().isEmpty)
            send(2)
        }
        #expect(received() == [0, 1, 2])
    }

    @Test func outsideABlockEachSendLeavesAtOnce() {
        send(7)
        #expect(received() == [7])
    }

    @Test func aDatagramTheKernelRefusesIsCountedAndTheRestStillGo() {
        let portZero = TransportAddress(ip: .v4(0x7F00_0001), port: 0)  // sendmmsg: EINVAL for this one
        sender.sendingTogether {
            send(0)
            send(1, to: portZero)
            send(2)
            send(3, to: portZero)
            send(4)
        }
        #expect(received() == [0, 2, 4])
        #expect(sender.sendErrors == 2)
    }

    /// The receive headers are built once per socket and reset after each batch (`cb_recv_planned`): batch after
    /// batch of other sizes, from two senders, every datagram still has its own length, source and arrival time.
    @Test func batchAfterBatchEachDatagramHasItsLengthSourceAndArrivalTime() throws {
        let other = try UDPMediaSocket(host: "127.0.0.1", port: 0)
        for (count, from) in [(3, sender), (1, other), (40, sender), (2, other), (1, sender)] {
            for i in 0..<count { from.send([UInt8](repeating: UInt8(i), count: 100 + i), to: destination) }
            var got: [(length: Int, port: UInt16, arrival: Int64)] = []
            while receiver.receiveBatch({ bytes, source, arrival in
                got.append((bytes.count, source.port, arrival))
            }) > 0 {}
            #expect(got.map(\.length) == (0..<count).map { 100 + $0 })
            #expect(got.allSatisfy { $0.port == from.localPort && $0.arrival > 0 })
        }
    }

    /// A datagram built in the slot `nextSendSlot` offers goes as built, in order with copied ones, across a full
    /// batch (the slot after the 64th is the first again, once the 64 have gone).
    @Test func datagramsBuiltInTheirSendSlotLeaveAsBuiltAndInOrder() throws {
        sender.sendingTogether {
            for i in 0..<150 {
                if i % 3 == 0 { send(i); continue }  // copied into its slot
                let slot = try! #require(sender.nextSendSlot())
                let length = 100 + i % 900
                slot.initializeMemory(as: UInt8.self, repeating: UInt8(truncatingIfNeeded: i))
                slot[0] = UInt8(i >> 8)
                slot[1] = UInt8(truncatingIfNeeded: i)
                sender.send(UnsafeRawBufferPointer(rebasing: slot[0..<length]), to: destination)
            }
        }
        #expect(received() == Array(0..<150))
        #expect(sender.sendErrors == 0)
    }

    @Test func outsideABlockThereIsNoSendSlotToBuildIn() {
        #expect(sender.nextSendSlot() == nil)
        sender.sendingTogether { #expect(sender.nextSendSlot()?.count == UDPMediaSocket.slotCapacity) }
    }

    @Test func aDatagramLargerThanASlotGoesAtOnceAfterWhatWasQueued() {
        sender.sendingTogether {
            send(0)
            sender.send([UInt8](repeating: 0xFF, count: UDPMediaSocket.slotCapacity + 1), to: destination)
            #expect(received() == [0, -1])  // the big one, in order (it carries no index)
        }
        #expect(sender.sendErrors == 0)
    }
}
