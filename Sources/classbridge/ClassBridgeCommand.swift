import ArgumentParser
import ClassBridgeServer
import Classroom
import SignalingServer
import Foundation

@main
struct ClassBridgeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "classbridge",
        abstract: "ClassBridge: a WebRTC SFU for linked classrooms.",
        subcommands: [Serve.self, Token.self],
        defaultSubcommand: Serve.self)
}

struct ConfigOption: ParsableArguments {
    @Option(name: .long, help: "The YAML config file (environment variables CLASSBRIDGE_* override its keys).")
    var config = "Config/classbridge.yaml"
}

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the server (HTTP + WebSocket signaling, UDP media).")
    @OptionGroup var options: ConfigOption

    func run() async throws {
        let config = try await ServerConfig.load(path: options.config)
        try await ClassBridgeApp.run(config: config)
    }
}

struct Token: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Print a signed access token for the configured secret.")
    @OptionGroup var options: ConfigOption
    @Option(help: "The room (lesson) the token admits to.") var room: String
    @Option(help: "teacher, site, expert or observer.") var role: String
    @Option(help: "Display name.") var name: String
    @Option(help: "Stable identity (defaults to the name).") var identity: String?
    @Option(help: "Lifetime in seconds (defaults to auth.tokenTTL).") var ttl: Double?

    func validate() throws {
        guard Role(rawValue: role) != nil else {
            throw ValidationError("--role must be one of: \(Role.allCases.map(\.rawValue).joined(separator: ", "))")
        }
    }

    func run() async throws {
        let config = try await ServerConfig.load(path: options.config)
        let tokens = await AccessTokens(secret: config.secret)
        let claims = AccessClaims(subject: identity ?? name, name: name, room: room, role: Role(rawValue: role)!,
                                  expires: Date().addingTimeInterval(ttl ?? config.tokenTTL))
        print(try await tokens.sign(claims))
    }
}
