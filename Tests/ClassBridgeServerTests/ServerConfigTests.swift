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
        #expect(config.announcedAddresses == ["127.0.0.1"])
        #expect(config.usesDevelopmentSecret)
        #expect(config.dtlsRole == .server)
        // RFC 7675's consent expiry: a link that drops for less than the browser waits keeps its participant.
        #expect(config.consentTimeout == 30)
        #expect(ServerConfig().consentTimeout == 30)
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
        #expect(config.announcedAddresses == ["192.0.2.10"])
    }

    /// Bound to `::`, the media socket takes IPv4 and IPv6 peers; it may announce an address of each, in the
    /// order given, written canonically.
    @Test func dualStackAnnouncesAddressesOfBothVersions() async throws {
        let config = try await ServerConfig.load(path: Self.repoConfig, environment: [
            "CLASSBRIDGE_MEDIA_HOST": "::", "CLASSBRIDGE_MEDIA_ANNOUNCED_ADDRESS": " 192.0.2.10 , [2001:DB8:0:0::7]",
        ])
        #expect(config.mediaHost == "::")
        #expect(config.announcedAddresses == ["192.0.2.10", "2001:db8::7"])
    }

    @Test(arguments: [["CLASSBRIDGE_DTLS_ROLE": "both"], ["CLASSBRIDGE_MEDIA_LOOPS": "0"],
                      ["CLASSBRIDGE_MEDIA_LOOPS": "65"],
                      ["CLASSBRIDGE_MEDIA_PORT": "65535", "CLASSBRIDGE_MEDIA_LOOPS": "2"],
                      ["CLASSBRIDGE_MEDIA_HOST": "localhost"],
                      ["CLASSBRIDGE_MEDIA_HOST": "0.0.0.0", "CLASSBRIDGE_MEDIA_ANNOUNCED_ADDRESS": "0.0.0.0"],
                      ["CLASSBRIDGE_MEDIA_ANNOUNCED_ADDRESS": "media.example.org"],
                      ["CLASSBRIDGE_MEDIA_ANNOUNCED_ADDRESS": "127.0.0.1,"],
                      ["CLASSBRIDGE_MEDIA_ANNOUNCED_ADDRESS": "::1"],  // an IPv4 socket cannot reach it
                      ["CLASSBRIDGE_MEDIA_HOST": "::1", "CLASSBRIDGE_MEDIA_ANNOUNCED_ADDRESS": "127.0.0.1"]])
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
