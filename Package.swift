// swift-tools-version:6.1
// ClassBridge: a WebRTC SFU and classroom server. Module layering (imports point down only):
//   classbridge → ClassBridgeServer → SignalingServer → Classroom → SFU / WebRTC → protocols → C shims
import PackageDescription

let strict: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]
// The modules that do the per-packet work. Release builds leave out their run-time exclusivity checks: a
// `swift_beginAccess` on each class `var` a packet touches took 45 % of the SFU's own time per packet, and 13 %
// with SRTP protect (loadtest/micro, BENCHMARKS.md). Debug builds, which every test and the interop suite run,
// keep them, so an overlapping access still fails there; the compiler's static checks stay on everywhere.
let hotPath: [SwiftSetting] = strict + [
    .unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release)),
]

let package = Package(
    name: "ClassBridge",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "classbridge", targets: ["classbridge"]),
        .library(name: "ClassBridgeServer", targets: ["ClassBridgeServer"]),
        .library(name: "WebRTC", targets: ["WebRTC"]),
        .library(name: "SFU", targets: ["SFU"]),
        // The protocol modules and C wrappers, for tools such as the load generator (loadtest/) that speak the
        // same protocols from the client side.
        .library(name: "ClassBridgeProtocols",
                 targets: ["RTP", "RTCP", "STUN", "ICE", "SDP", "SignalingWire", "SRTP", "DTLS", "CSocket"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-configuration.git", from: "1.4.0", traits: ["YAML"]),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket.git", from: "2.8.1"),
        .package(url: "https://github.com/vapor/jwt-kit.git", from: "5.8.0"),
        .package(url: "https://github.com/apple/swift-system", from: "1.8.1"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
    ],
    targets: [
        // C libraries, found through pkg-config. Only the thin Swift wrappers below import them.
        .systemLibrary(name: "CSRTP", path: "Sources/CShims/CSRTP", pkgConfig: "libsrtp2",
                       providers: [.apt(["libsrtp2-dev"])]),
        .systemLibrary(name: "COpenSSL", path: "Sources/CShims/COpenSSL", pkgConfig: "openssl",
                       providers: [.apt(["libssl-dev"])]),
        .target(name: "CSocket", path: "Sources/CShims/CSocket"),

        // Sans-I/O protocol modules: bytes in, values out; time is a parameter.
        .target(name: "RTP", swiftSettings: hotPath),
        .target(name: "RTCP", swiftSettings: hotPath),
        .target(name: "STUN", dependencies: [.product(name: "Crypto", package: "swift-crypto")],
                swiftSettings: hotPath),
        .target(name: "ICE", dependencies: ["STUN"], swiftSettings: hotPath),
        .target(name: "SDP", swiftSettings: strict),
        // The client's signaling messages (PROTOCOL.md §5) as values: JSON text in and out.
        .target(name: "SignalingWire", swiftSettings: strict),

        // Thin wrappers over the C libraries; no C type in their public API.
        .target(name: "SRTP", dependencies: ["RTP", "CSRTP", "COpenSSL"], swiftSettings: hotPath),
        .target(name: "DTLS", dependencies: ["COpenSSL"], swiftSettings: strict),

        // One peer's transport: UDP media loop, demux, ICE + DTLS + SRTP. Knows nothing of rooms.
        .target(name: "WebRTC",
                dependencies: ["RTP", "RTCP", "STUN", "ICE", "SDP", "SRTP", "DTLS", "CSocket",
                               .product(name: "Logging", package: "swift-log")],
                swiftSettings: hotPath),
        // Forwarding core: Router, Receiver, DownTrack, Forwarder. Knows nothing of signaling.
        .target(name: "SFU", dependencies: ["RTP", "RTCP"], swiftSettings: hotPath),
        // Policy: rooms, roles, who publishes and who receives what.
        .target(name: "Classroom",
                dependencies: ["SFU", "WebRTC", "SDP", .product(name: "Logging", package: "swift-log")],
                swiftSettings: strict),
        .target(name: "SignalingServer",
                dependencies: ["Classroom", "SignalingWire",
                               .product(name: "Hummingbird", package: "hummingbird"),
                               .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                               .product(name: "JWTKit", package: "jwt-kit"),
                               .product(name: "NIOCore", package: "swift-nio"),
                               .product(name: "Logging", package: "swift-log")],
                swiftSettings: strict),
        .target(name: "ClassBridgeServer",
                dependencies: ["SignalingServer", "Classroom", "WebRTC", "STUN",
                               .product(name: "Configuration", package: "swift-configuration"),
                               .product(name: "SystemPackage", package: "swift-system"),
                               .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                               .product(name: "Prometheus", package: "swift-prometheus"),
                               .product(name: "Logging", package: "swift-log")],
                swiftSettings: strict),
        .executableTarget(name: "classbridge",
                          dependencies: ["ClassBridgeServer",
                                         .product(name: "ArgumentParser", package: "swift-argument-parser")],
                          swiftSettings: strict),

        // Helpers shared by test targets (the fuzz tests' seeded generator).
        .target(name: "TestSupport", path: "Tests/TestSupport", swiftSettings: strict),
        // The fuzz target for every wire format a peer can send us (`scripts/fuzz`: libFuzzer, coverage-guided, with
        // AddressSanitizer). Built normally it replays files instead (`swift run Fuzz rtp crash-…`). The checks live
        // in FuzzSupport, so that `swift test` replays the committed corpora too (FuzzCorpusTests).
        .target(name: "FuzzSupport", dependencies: ["RTP", "RTCP", "STUN", "ICE", "SDP", "SignalingWire"]),
        .executableTarget(name: "Fuzz", dependencies: ["FuzzSupport"]),

        .testTarget(name: "RTPTests", dependencies: ["RTP", "TestSupport"]),
        .testTarget(name: "RTCPTests", dependencies: ["RTCP", "TestSupport"]),
        .testTarget(name: "STUNTests", dependencies: ["STUN", "ICE", "TestSupport"]),
        .testTarget(name: "SDPTests", dependencies: ["SDP"], resources: [.copy("Fixtures")]),
        .testTarget(name: "SignalingWireTests", dependencies: ["SignalingWire"]),
        .testTarget(name: "FuzzCorpusTests", dependencies: ["FuzzSupport"]),
        .testTarget(name: "SRTPTests", dependencies: ["SRTP", "DTLS"]),
        .testTarget(name: "SFUTests", dependencies: ["SFU", "RTP", "RTCP"]),
        .testTarget(name: "WebRTCTests", dependencies: ["WebRTC", "DTLS", "ICE", "SRTP", "STUN", "RTP", "RTCP"]),
        .testTarget(name: "ClassroomTests", dependencies: ["Classroom", "WebRTC", "DTLS",
                                                          .product(name: "Logging", package: "swift-log")]),
        .testTarget(name: "SignalingServerTests", dependencies: ["SignalingServer", "Classroom", "WebRTC", "DTLS"]),
        .testTarget(name: "ClassBridgeServerTests", dependencies: ["ClassBridgeServer", "SignalingServer", "WebRTC", "DTLS", "STUN"]),
    ]
)
