import Foundation
import Classroom
import SignalingServer
import WebRTC
import DTLS
import ServiceLifecycle
import Logging
import Hummingbird

/// The composition root: the media loops (each with its UDP socket, transports and rooms) and the HTTP/WebSocket
/// server, run as a service group that stops cleanly on SIGINT/SIGTERM.
public enum ClassBridgeApp {
    public static func run(config: ServerConfig) async throws {
        var logger = Logger(label: "classbridge")
        logger.logLevel = Logger.Level(rawValue: config.logLevel) ?? .info
        let announced = config.announcedAddresses.joined(separator: ", ")

        if config.usesDevelopmentSecret {
            let loopback = ["127.0.0.1", "localhost", "::1"]
            if !loopback.contains(config.httpHost) || !config.announcedAddresses.allSatisfy(loopback.contains) {
                logger.warning("""
                    SECURITY: the development secret is in use while listening beyond loopback \
                    (http.host=\(config.httpHost), media.announcedAddress=\(announced)). \
                    Anyone can mint tokens. Set auth.secret / CLASSBRIDGE_AUTH_SECRET.
                    """)
            } else {
                logger.notice("using the development secret (loopback only); /dev/token is enabled")
            }
        }

        let certificate = try DTLSCertificate.generateSelfSigned()
        let metrics = MediaMetrics(loops: config.mediaLoops)
        var loops: [(loop: MediaLoop, transports: TransportServer)] = []
        for number in 0..<config.mediaLoops {
            let port = config.mediaPort == 0 ? 0 : config.mediaPort + number
            let socket = try UDPMediaSocket(host: config.mediaHost, port: UInt16(port))
            let transports = TransportServer(socket: socket, certificate: certificate,
                                             announcedAddresses: config.announcedAddresses)
            let loop = try MediaLoop(socket: socket)
            transports.addTickHook { [unowned transports, unowned loop] now in
                metrics.tick(loopNumber: number, now: now, transports: transports, loop: loop)
            }
            loops.append((loop, transports))
        }
        let classroom = ClassroomService(loops: loops,
                                         settings: MediaSettings(consentTimeout: config.consentTimeout,
                                                                 preferredDTLSRole: config.dtlsRole),
                                         logger: logger)
        let tokens = await AccessTokens(secret: config.secret)
        let http = SignalingHTTP.makeApplication(
            settings: .init(host: config.httpHost, port: config.httpPort, webRoot: config.webRoot,
                            developmentTokens: config.usesDevelopmentSecret, tokenTTL: config.tokenTTL),
            classroom: classroom, tokens: tokens, logger: logger, metrics: metrics.text)
        let media = loops.map { MediaService(loop: $0.loop, transports: $0.transports) }
        let ports = loops.map { String($0.transports.port) }.joined(separator: ", ")
        let mediaHost = config.mediaHost.contains(":") ? "[\(config.mediaHost)]" : config.mediaHost
        logger.notice("media on udp \(mediaHost):\(ports) (announced \(announced)), http on \(config.httpHost):\(config.httpPort)")
        let group = ServiceGroup(configuration: .init(services: media + [http], gracefulShutdownSignals: [.sigterm, .sigint],
                                                      logger: logger))
        try await group.run()
    }
}

/// Runs one media loop's thread for the lifetime of the service group.
struct MediaService: Service {
    let loop: MediaLoop
    let transports: TransportServer

    func run() async throws {
        loop.start(handler: transports)
        await withGracefulShutdownHandler {
            await loop.waitUntilStopped()
        } onGracefulShutdown: {
            loop.stop()
        }
        // Also end when cancelled (another service failed).
        loop.stop()
    }
}
