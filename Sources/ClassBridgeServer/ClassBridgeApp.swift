import Foundation
import Classroom
import SignalingServer
import WebRTC
import DTLS
import ServiceLifecycle
import Logging
import Hummingbird

/// The composition root: one media loop (UDP socket, transports, rooms) and the HTTP/WebSocket server, run as a
/// service group that stops cleanly on SIGINT/SIGTERM.
public enum ClassBridgeApp {
    public static func run(config: ServerConfig) async throws {
        var logger = Logger(label: "classbridge")
        logger.logLevel = Logger.Level(rawValue: config.logLevel) ?? .info

        if config.usesDevelopmentSecret {
            let loopback = ["127.0.0.1", "localhost", "::1"]
            if !loopback.contains(config.httpHost) || !loopback.contains(config.announcedAddress) {
                logger.warning("""
                    SECURITY: the development secret is in use while listening beyond loopback \
                    (http.host=\(config.httpHost), media.announcedAddress=\(config.announcedAddress)). \
                    Anyone can mint tokens. Set auth.secret / CLASSBRIDGE_AUTH_SECRET.
                    """)
            } else {
                logger.notice("using the development secret (loopback only); /dev/token is enabled")
            }
        }

        let socket = try UDPMediaSocket(host: config.mediaHost, port: UInt16(config.mediaPort))
        let certificate = try DTLSCertificate.generateSelfSigned()
        let transports = TransportServer(socket: socket, certificate: certificate,
                                         announcedAddress: config.announcedAddress)
        let loop = try MediaLoop(socket: socket)
        let classroom = ClassroomService(loop: loop, transports: transports,
                                         settings: MediaSettings(consentTimeout: config.consentTimeout,
                                                                 preferredDTLSRole: config.dtlsRole),
                                         logger: logger)
        let metrics = MediaMetrics()
        transports.addTickHook { [unowned transports, unowned loop] now in
            metrics.tick(now: now, transports: transports, loop: loop)
        }
        let tokens = await AccessTokens(secret: config.secret)
        let http = SignalingHTTP.makeApplication(
            settings: .init(host: config.httpHost, port: config.httpPort, webRoot: config.webRoot,
                            developmentTokens: config.usesDevelopmentSecret, tokenTTL: config.tokenTTL),
            classroom: classroom, tokens: tokens, logger: logger, metrics: metrics.text)
        let media = MediaService(loop: loop, transports: transports)
        logger.notice("media on udp \(config.mediaHost):\(socket.localPort) (announced \(config.announcedAddress)), http on \(config.httpHost):\(config.httpPort)")
        let group = ServiceGroup(configuration: .init(services: [media, http], gracefulShutdownSignals: [.sigterm, .sigint],
                                                      logger: logger))
        try await group.run()
    }
}

/// Runs the media loop's thread for the lifetime of the service group.
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
