import CLoadSupport
import Foundation
import SignalingWire

/// A minimal RFC 6455 client for the signaling socket, over a plain TCP socket: blocking (with timeouts) during
/// join and offer/answer, then drained without blocking by the media loop's epoll (server events are read and
/// dropped; pings are answered). One thread drives hundreds of them, with no event-loop library to build.
final class WebSocketClient {
    let fd: Int32
    private var buffer: [UInt8] = []
    private(set) var closed = false

    init(host: UInt32, port: UInt16, path: String = "/ws", timeoutMS: Int32 = 5000) throws {
        let fd = cbl_tcp_connect_ipv4(host, port, timeoutMS)
        guard fd >= 0 else { throw LoadError("connect to signaling port \(port): errno \(-fd)") }
        self.fd = fd
        let key = Data((0..<16).map { _ in UInt8.random(in: 0...255) }).base64EncodedString()
        let request = "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Key: \(key)\r\nSec-WebSocket-Version: 13\r\n\r\n"
        try sendRaw(Array(request.utf8))
        let deadline = cbl_monotonic_ns() + UInt64(timeoutMS) * 1_000_000
        while true {
            if let end = buffer.firstRange(of: [13, 10, 13, 10]) {
                let head = String(decoding: buffer[..<end.lowerBound], as: UTF8.self)
                guard head.hasPrefix("HTTP/1.1 101") else { throw LoadError("websocket upgrade refused: \(head)") }
                buffer.removeSubrange(..<end.upperBound)
                return
            }
            try fill(deadline: deadline)
        }
    }

    deinit { cbl_close(fd) }

    func close() {
        guard !closed else { return }
        closed = true
        sendFrame(opcode: 0x8, payload: [0x03, 0xE8])
    }

    /// Sends one client message as a text frame.
    func send(_ message: ClientMessage) {
        sendFrame(opcode: 0x1, payload: Array(message.encoded().utf8))
    }

    /// Waits for the first text message that `accept` takes (other messages are dropped).
    func receive(timeoutMS: Int, until accept: ([String: Any]) -> Bool) throws -> [String: Any] {
        let deadline = cbl_monotonic_ns() + UInt64(timeoutMS) * 1_000_000
        while true {
            while let text = nextTextMessage() {
                if let object = try? JSONSerialization.jsonObject(with: Data(text)) as? [String: Any], accept(object) {
                    return object
                }
            }
            try fill(deadline: deadline)
        }
    }

    /// Non-blocking: reads what is waiting, answers pings, drops the rest. Returns false once the peer closed.
    func drain() -> Bool {
        var chunk = [UInt8](repeating: 0, count: 16_384)
        while true {
            let n = chunk.withUnsafeMutableBytes { cbl_recv(fd, $0.baseAddress, $0.count) }
            if n > 0 { buffer.append(contentsOf: chunk[0..<Int(n)]); continue }
            if n == 0 { closed = true }
            break
        }
        while nextTextMessage() != nil {}
        return !closed
    }

    // MARK: framing

    private func fill(deadline: UInt64) throws {
        let now = cbl_monotonic_ns()
        guard now < deadline else { throw LoadError("signaling timeout") }
        let ready = cbl_wait_readable(fd, Int32(max(1, (deadline - now) / 1_000_000)))
        guard ready > 0 else { if ready < 0 { throw LoadError("poll errno \(-ready)") }; return }
        var chunk = [UInt8](repeating: 0, count: 65_536)
        let n = chunk.withUnsafeMutableBytes { cbl_recv(fd, $0.baseAddress, $0.count) }
        if n == 0 { closed = true; throw LoadError("signaling socket closed by server") }
        if n > 0 { buffer.append(contentsOf: chunk[0..<Int(n)]) }
    }

    /// Parses complete frames from the buffer; returns the next text payload (control frames are handled here).
    private func nextTextMessage() -> [UInt8]? {
        while buffer.count >= 2 {
            let opcode = buffer[0] & 0x0F
            var length = Int(buffer[1] & 0x7F)
            var offset = 2
            if length == 126 {
                guard buffer.count >= 4 else { return nil }
                length = Int(buffer[2]) << 8 | Int(buffer[3]); offset = 4
            } else if length == 127 {
                guard buffer.count >= 10 else { return nil }
                length = (2..<10).reduce(0) { $0 << 8 | Int(buffer[$1]) }; offset = 10
            }
            if buffer[1] & 0x80 != 0 { offset += 4 }  // servers do not mask, but be lenient
            guard buffer.count >= offset + length else { return nil }
            let payload = Array(buffer[offset..<offset + length])
            buffer.removeSubrange(..<(offset + length))
            switch opcode {
            case 0x1, 0x0: return payload  // text (fragmentation is not used by the server)
            case 0x9: sendFrame(opcode: 0xA, payload: payload)
            case 0x8: closed = true
            default: break
            }
        }
        return nil
    }

    private func sendFrame(opcode: UInt8, payload: [UInt8]) {
        var frame: [UInt8] = [0x80 | opcode]
        if payload.count < 126 {
            frame.append(0x80 | UInt8(payload.count))
        } else if payload.count < 65_536 {
            frame += [0x80 | 126, UInt8(payload.count >> 8), UInt8(payload.count & 0xFF)]
        } else {
            frame.append(0x80 | 127)
            for shift in stride(from: 56, through: 0, by: -8) { frame.append(UInt8((payload.count >> shift) & 0xFF)) }
        }
        let mask = (0..<4).map { _ in UInt8.random(in: 0...255) }
        frame += mask
        frame.reserveCapacity(frame.count + payload.count)
        for (index, byte) in payload.enumerated() { frame.append(byte ^ mask[index & 3]) }
        try? sendRaw(frame)
    }

    private func sendRaw(_ bytes: [UInt8]) throws {
        let status = bytes.withUnsafeBytes { cbl_send_all(fd, $0.baseAddress, $0.count) }
        guard status == 0 else { throw LoadError("signaling send errno \(-status)") }
    }
}

/// GET /dev/token?room=&role=&name= on the server's HTTP port (development secret only).
func fetchToken(host: UInt32, port: UInt16, room: String, role: String, name: String) throws -> String {
    let response = try httpGet(host: host, port: port, path: "/dev/token?room=\(room)&role=\(role)&name=\(name)")
    // The body is one JSON object; taking the bytes between the first '{' and the last '}' also copes with a
    // chunked body.
    guard let end = response.firstRange(of: [13, 10, 13, 10]),
          let open = response[end.upperBound...].firstIndex(of: UInt8(ascii: "{")),
          let close = response.lastIndex(of: UInt8(ascii: "}")), close > open,
          let object = try? JSONSerialization.jsonObject(with: Data(response[open...close])) as? [String: Any],
          let token = object["token"] as? String
    else { throw LoadError("no token in /dev/token response: \(String(decoding: response.prefix(300), as: UTF8.self))") }
    return token
}

/// One HTTP/1.1 GET with `Connection: close`: the whole response, head included, read until the server closes
/// (at most 5 s).
func httpGet(host: UInt32, port: UInt16, path: String) throws -> [UInt8] {
    let fd = cbl_tcp_connect_ipv4(host, port, 5000)
    guard fd >= 0 else { throw LoadError("connect to HTTP port \(port): errno \(-fd)") }
    defer { cbl_close(fd) }
    let request = "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    let sent = Array(request.utf8).withUnsafeBytes { cbl_send_all(fd, $0.baseAddress, $0.count) }
    guard sent == 0 else { throw LoadError("GET \(path): send failed") }
    var response: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 8192)
    let deadline = cbl_monotonic_ns() + 5_000_000_000
    while cbl_monotonic_ns() < deadline {
        guard cbl_wait_readable(fd, 1000) > 0 else { continue }
        let n = chunk.withUnsafeMutableBytes { cbl_recv(fd, $0.baseAddress, $0.count) }
        if n <= 0 { break }
        response += chunk[0..<Int(n)]
    }
    return response
}
