import Testing
import Foundation
@testable import ClassBridgeServer

@Suite struct ServerConfigTests {
    static let repoConfig = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Config/classbridge.yaml").path

    @Test func defaultConfigIsLoopbackWithTheDevelopmentSecret() async throws {
        let config = try await ServerConfig.load(path: Self.repoConfig, environment: [:])
        #expect(config.httpHost == "127.0.0.1")
        #expect(config.httpPort == 8080)
        #expect(config.mediaPort == 50000)
        #expect(config.mediaLoops == 1)
        #expect(config.announcedAddress == "127.0.0.1")
        #expect(config.usesDevelopmentSecret)
        #expect(config.dtlsRole == .server)
    }

    @Test func environmentOverridesKeys() async throws {
        let config = try await ServerConfig.load(path: Self.repoConfig, environment: [
            "CLASSBRIDGE_HTTP_PORT": "9090", "CLASSBRIDGE_ICE_CONSENT_TIMEOUT": "4",
            "CLASSBRIDGE_DTLS_ROLE": "client", "CLASSBRIDGE_AUTH_SECRET": "a-real-secret-of-some-length",
            "CLASSBRIDGE_MEDIA_ANNOUNCED_ADDRESS": "192.0.2.10", "CLASSBRIDGE_MEDIA_LOOPS": "4",
        ])
        #expect(config.mediaLoops == 4)
        #expect(config.httpPort == 9090)
        #expect(config.consentTimeout == 4)
        #expect(config.dtlsRole == .client)
        #expect(!config.usesDevelopmentSecret)
        #expect(config.announcedAddress == "192.0.2.10")
    }

    @Test(arguments: [["CLASSBRIDGE_DTLS_ROLE": "both"], ["CLASSBRIDGE_MEDIA_LOOPS": "0"],
                      ["CLASSBRIDGE_MEDIA_LOOPS": "65"],
                      ["CLASSBRIDGE_MEDIA_PORT": "65535", "CLASSBRIDGE_MEDIA_LOOPS": "2"]])
    func rejectsBadValues(environment: [String: String]) async {
        await #expect(throws: ConfigError.self) {
            _ = try await ServerConfig.load(path: Self.repoConfig, environment: environment)
        }
    }

    @Test func manyLoopsOnAnEphemeralPortAreFine() async throws {
        let config = try await ServerConfig.load(path: Self.repoConfig, environment: [
            "CLASSBRIDGE_MEDIA_PORT": "0", "CLASSBRIDGE_MEDIA_LOOPS": "64"])
        #expect(config.mediaLoops == 64)
    }
}
