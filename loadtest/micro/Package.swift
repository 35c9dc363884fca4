// swift-tools-version:6.1
// Micro-benchmarks of the forwarding hot path with allocation budgets (ordo-one/benchmark, as swift-nio's
// Benchmarks/ do). Run: `swift package benchmark` here; CI: `swift package benchmark thresholds check`.
import PackageDescription
import Foundation

// A path dependency's identity is its folder's name, which depends on where the repository was cloned.
let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()
let rootIdentity = root.lastPathComponent.lowercased()

let package = Package(
    name: "ClassBridgeMicroBenchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(path: "../.."),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        .executableTarget(
            name: "ForwardingHotPath",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "SFU", package: rootIdentity),
                .product(name: "ClassBridgeProtocols", package: rootIdentity),
            ],
            path: "Benchmarks/ForwardingHotPath",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
    ]
)
