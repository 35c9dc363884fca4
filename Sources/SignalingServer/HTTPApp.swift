public import Hummingbird
import HummingbirdWebSocket
import Foundation
public import Classroom
public import Logging
import NIOCore

/// HTTP + WebSocket front door: health, the development token endpoint, the browser SDK and page, and `/ws`.
public struct SignalingHTTP: Sendable {
    public struct Settings: Sendable {
        public var host: String
        public var port: Int
        /// Folder holding `sdk/` and `web/` (the repository's `Signaling/`).
        public var webRoot: String
        /// When set, `GET /dev/token` issues tokens (only while the development secret is in use).
        public var developmentTokens: Bool
        public var tokenTTL: Double

        public init(host: String, port: Int, webRoot: String, developmentTokens: Bool, tokenTTL: Double) {
            self.host = host
            self.port = port
            self.webRoot = webRoot
            self.developmentTokens = developmentTokens
            self.tokenTTL = tokenTTL
        }
    }

    /// PROTOCOL.md §1: the largest message either side sends.
    static let maxMessageSize = 1 << 20

    /// `metrics`, when given, serves `GET /metrics` (the Prometheus text format).
    public static func makeApplication(settings: Settings, classroom: ClassroomService, tokens: AccessTokens,
                                       logger: Logger,
                                       metrics: (@Sendable () -> String)? = nil) -> some ApplicationProtocol {
        let router = Router(context: BasicWebSocketRequestContext.self)
        router.get("/healthz") { _, _ in "ok" }
        if let metrics {
            router.get("/metrics") { _, _ in
                Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                         body: .init(byteBuffer: ByteBuffer(string: metrics())))
            }
        }
        router.get("/dev/token") { request, _ -> Response in
            guard settings.developmentTokens else { return Response(status: .notFound) }
            let query = FormQuery.decode(request.uri.query ?? "")
            guard let room = query["room"], !room.isEmpty, let name = query["name"], !name.isEmpty,
                  let role = query["role"].flatMap(Role.init(rawValue:)) else {
                return json(["error": "give room, name and role (teacher, site, expert or observer)"], status: .badRequest)
            }
            let claims = AccessClaims(subject: name, name: name, room: room, role: role,
                                      expires: Date().addingTimeInterval(settings.tokenTTL))
            return json(["token": try await tokens.sign(claims)], status: .ok)
        }
        let files = StaticFiles(root: settings.webRoot)
        router.get("/") { _, _ in files.response(for: "web/index.html") }
        router.get("/sdk/:file") { _, context in files.response(for: "sdk/" + (context.parameters.get("file") ?? "")) }
        router.get("/:file") { _, context in files.response(for: "web/" + (context.parameters.get("file") ?? "")) }
        router.ws("/ws") { _, _ in .upgrade([:]) } onUpgrade: { inbound, outbound, _ in
            let session = SignalingSession(classroom: classroom, tokens: tokens, logger: logger)
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    for await output in session.outbox {
                        guard let text = output.text else {
                            try await outbound.close(.normalClosure, reason: nil)
                            return
                        }
                        try await outbound.write(.text(text))
                    }
                }
                do {
                    for try await message in inbound.messages(maxSize: maxMessageSize) {
                        switch message {
                        case .text(let text): await session.receive(text)
                        case .binary: await session.receive("")  // answered `malformed`: text frames only
                        }
                    }
                } catch {
                    logger.info("signaling socket ended with an error: \(error)")
                }
                await session.closed()
                try await group.waitForAll()
            }
        }
        // Browsers send a whole message as one frame, and offers with many m-lines pass the 16 KiB default.
        let webSocket = WebSocketServerConfiguration(maxFrameSize: maxMessageSize)
        return Application(router: router,
                           server: .http1WebSocketUpgrade(webSocketRouter: router, configuration: .init(ws: webSocket)),
                           configuration: .init(address: .hostname(settings.host, port: settings.port)),
                           logger: logger)
    }

    static func json(_ object: [String: String], status: HTTPResponse.Status) -> Response {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
        return Response(status: status, headers: [.contentType: "application/json"],
                        body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}

/// Serves the few files of the SDK and the page. Names are checked against a fixed pattern: no paths escape.
struct StaticFiles: Sendable {
    let root: String

    func response(for relative: String) -> Response {
        let name = relative.split(separator: "/").last.map(String.init) ?? ""
        guard !name.isEmpty, !name.hasPrefix("."), !relative.contains(".."),
              name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "." || $0 == "-" || $0 == "_" }),
              let data = FileManager.default.contents(atPath: root + "/" + relative) else {
            return Response(status: .notFound)
        }
        return Response(status: .ok, headers: [.contentType: Self.contentType(of: name), .cacheControl: "no-cache"],
                        body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func contentType(of name: String) -> String {
        switch name.split(separator: ".").last {
        case "html": return "text/html; charset=utf-8"
        case "js": return "text/javascript; charset=utf-8"
        case "css": return "text/css; charset=utf-8"
        case "json": return "application/json"
        case "svg": return "image/svg+xml"
        default: return "application/octet-stream"
        }
    }
}

/// `application/x-www-form-urlencoded` query decoding: browsers' `URLSearchParams` writes a space as `+`.
enum FormQuery {
    static func decode(_ query: String) -> [String: String] {
        var result: [String: String] = [:]
        for pair in query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func field(_ raw: Substring) -> String? {
                String(raw).replacingOccurrences(of: "+", with: " ").removingPercentEncoding
            }
            guard let key = parts.first.flatMap(field) else { continue }
            result[key] = parts.count > 1 ? field(parts[1]) ?? "" : ""
        }
        return result
    }
}
