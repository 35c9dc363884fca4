// swift-tools-version:6.1
// Micro-benchmarks of the forwarding hot path with allocation budgets (ordo-one/benchmark, as swift-nio's
// Benchmarks/ do). Run: `swift package benchmark` here; CI: `swift package benchmark thresholds check`.
import PackageDescription
import Foundation

// A path dependency's identity is its folder's name, which depends on where the repository was cloned.
let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()
let rootIdentity = root.lastPathComponent.lowercased()

// As the server's hot-path modules are built: without run-time exclusivity checks, which would otherwise be the
// probe's own cost inside the timed path (a cold `swift_beginAccess` reaches thread-local storage).
let unchecked: [SwiftSetting] = [.unsafeFlags(["-enforce-exclusivity=unchecked"])]

let package = Package(
    name: "ClassBridgeMicroBenchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(path: "../.."),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        .target(
            name: "HotPathFixtures",
            dependencies: [
                .product(name: "SFU", package: rootIdentity),
                .product(name: "ClassBridgeProtocols", package: rootIdentity),
            ],
            path: "Benchmarks/HotPathFixtures",
            swiftSettings: unchecked
        ),
        .executableTarget(
            name: "ForwardingHotPath",
            dependencies: [
                "HotPathFixtures",
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "SFU", package: rootIdentity),
            ],
            path: "Benchmarks/ForwardingHotPath",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        // Not a benchmark: the hot path with the caches and TLB emptied before each packet (`swift run -c release
        // cold-path`), what the media loop meets after a sleep at a light step.
        .executableTarget(
            name: "cold-path",
            dependencies: [
                "HotPathFixtures",
                .product(name: "SFU", package: rootIdentity),
                .product(name: "WebRTC", package: rootIdentity),
                .product(name: "ClassBridgeProtocols", package: rootIdentity),
            ],
            path: "Probes/ColdPath",
            swiftSettings: unchecked
        ),
    ]
)
