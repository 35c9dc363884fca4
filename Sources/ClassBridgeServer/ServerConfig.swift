public import Foundation
import Configuration
import SystemPackage
public import DTLS
import STUN

/// Every setting of the server. Read from `Config/classbridge.yaml`; each key can be overridden by an environment
/// variable: `CLASSBRIDGE_` + the key in upper snake case (`ice.consentTimeout` → `CLASSBRIDGE_ICE_CONSENT_TIMEOUT`).
public struct ServerConfig: Sendable {
    /// The development secret of the default config. Tokens signed with it prove nothing; the server warns when it
    /// listens beyond loopback with it, and serves `/dev/token` only while it is in use.
    public static let developmentSecret = "classbridge-DEVELOPMENT-secret-not-for-production"

    public var httpHost = "127.0.0.1"
    public var httpPort = 8080
    public var mediaHost = "127.0.0.1"
    public var mediaPort = 50000
    /// Media loops (threads, each with its own UDP socket on `mediaPort + i`, or ephemeral when the port is 0).
    public var mediaLoops = 1
    /// The addresses put into ICE candidates, the first preferred (`media.announcedAddress`, comma-separated).
    public var announcedAddresses = ["127.0.0.1"]
    public var consentTimeout = 30.0
    public var dtlsRole: DTLSRole = .server
    public var secret = ServerConfig.developmentSecret
    public var tokenTTL = 3600.0
    public var webRoot = "Signaling"
    public var logLevel = "info"

    public init() {}

    public var usesDevelopmentSecret: Bool { secret == Self.developmentSecret }

    /// Loads `path` (YAML) with environment overrides. A missing file is an error unless `allowMissing`.
    public static func load(path: String, environment: [String: String] = ProcessInfo.processInfo.environment,
                            allowMissing: Bool = false) async throws -> ServerConfig {
        let reader = ConfigReader(providers: [
            EnvironmentVariablesProvider(environmentVariables: environment).prefixKeys(with: "classbridge"),
            try await FileProvider<YAMLSnapshot>(filePath: FilePath(path), allowMissing: allowMissing),
        ])
        var config = ServerConfig()
        config.httpHost = reader.string(forKey: "http.host", default: config.httpHost)
        config.httpPort = reader.int(forKey: "http.port", default: config.httpPort)
        config.mediaHost = reader.string(forKey: "media.host", default: config.mediaHost)
        config.mediaPort = reader.int(forKey: "media.port", default: config.mediaPort)
        config.mediaLoops = reader.int(forKey: "media.loops", default: config.mediaLoops)
        config.announcedAddresses = try announcedAddresses(
            reader.string(forKey: "media.announcedAddress", default: config.mediaHost), mediaHost: config.mediaHost)
        config.consentTimeout = reader.double(forKey: "ice.consentTimeout", default: config.consentTimeout)
        let role = reader.string(forKey: "dtls.role", default: "server")
        guard role == "server" || role == "client" else {
            throw ConfigError(message: "dtls.role must be 'server' or 'client', not '\(role)'")
        }
        config.dtlsRole = role == "client" ? .client : .server
        config.secret = reader.string(forKey: "auth.secret", default: config.secret)
        config.tokenTTL = reader.double(forKey: "auth.tokenTTL", default: config.tokenTTL)
        config.webRoot = reader.string(forKey: "web.root", default: config.webRoot)
        config.logLevel = reader.string(forKey: "log.level", default: config.logLevel)
        guard (1...65535).contains(config.httpPort), (0...65535).contains(config.mediaPort) else {
            throw ConfigError(message: "http.port must be 1-65535 and media.port 0-65535")
        }
        guard (1...64).contains(config.mediaLoops) else { throw ConfigError(message: "media.loops must be 1-64") }
        guard config.mediaPort == 0 || config.mediaPort + config.mediaLoops - 1 <= 65535 else {
            throw ConfigError(message: "media.port + media.loops - 1 must be at most 65535")
        }
        guard config.consentTimeout >= 1 else { throw ConfigError(message: "ice.consentTimeout must be at least 1 s") }
        guard config.secret.utf8.count >= 16 else { throw ConfigError(message: "auth.secret must be at least 16 bytes") }
        return config
    }
}

extension ServerConfig {
    /// `"203.0.113.7, 2001:db8::7"` → its addresses, checked: IP literals (a candidate carries no host name) that
    /// a socket bound to `mediaHost` reaches. An IPv4 socket reaches IPv4 peers, one bound to an IPv6 address IPv6
    /// peers, and one bound to `::` both.
    static func announcedAddresses(_ text: String, mediaHost: String) throws -> [String] {
        guard let host = TransportAddress(string: mediaHost, port: 0) else {
            throw ConfigError(message: "media.host must be an IPv4 or IPv6 address, not '\(mediaHost)'")
        }
        return try text.split(separator: ",", omittingEmptySubsequences: false).map { entry in
            let address = entry.trimmingCharacters(in: .whitespaces)
            guard let parsed = TransportAddress(string: address, port: 0) else {
                throw ConfigError(message: "media.announcedAddress: '\(address)' is not an IPv4 or IPv6 address")
            }
            guard parsed.ip != .v4(0), parsed.ip != .v6(0, 0) else {
                throw ConfigError(message: """
                    media.announcedAddress: '\(address)' reaches nobody; set it to the address clients reach \
                    media.host (\(mediaHost)) at
                    """)
            }
            let sameVersion = switch (parsed.ip, host.ip) {
            case (.v4, .v4), (.v6, .v6): true
            default: false
            }
            guard sameVersion || host.ip == .v6(0, 0) else {
                throw ConfigError(message: """
                    media.announcedAddress: '\(address)' cannot reach media.host \(mediaHost) (another IP \
                    version; bind media.host to :: for both)
                    """)
            }
            return parsed.hostString
        }
    }
}

public struct ConfigError: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
