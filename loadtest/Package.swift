// swift-tools-version:6.1
// ClassBridge load generator and benchmarks: its own package, depending on the root package by path (as swift-nio's
// Benchmarks/ do), so the server's build never pays for libvpx/libopus and the load tool never builds the server.
// It speaks the real client protocols (WebSocket signaling, ICE, DTLS, SRTP) from the root's protocol modules.
import Foundation
import PackageDescription

// A path dependency's identity is its folder's name (the clone's directory), not the package's name.
let rootIdentity = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .lastPathComponent.lowercased()

let package = Package(
    name: "ClassBridgeLoad",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(path: ".."),
    ],
    targets: [
        .systemLibrary(name: "CVPX", path: "Sources/CVPX", pkgConfig: "vpx", providers: [.apt(["libvpx-dev"])]),
        .systemLibrary(name: "COpus", path: "Sources/COpus", pkgConfig: "opus", providers: [.apt(["libopus-dev"])]),
        // epoll, clocks and sendto helpers (Glibc's Swift module hides some of them; one place for the C).
        .target(name: "CLoadSupport", path: "Sources/CLoadSupport"),
        .executableTarget(
            name: "classbridge-load",
            dependencies: [
                "CVPX", "COpus", "CLoadSupport",
                .product(name: "ClassBridgeProtocols", package: rootIdentity),
            ],
            swiftSettings: [.unsafeFlags(["-Ounchecked"], .when(configuration: .release))]
        ),
        // The generator's own logic (shapes, clocks, what it reads from the server, the scenario files); the CI
        // smoke runs it end to end. WebRTC: to check that the loop thread is found by the name the server gives it.
        .testTarget(
            name: "ClassBridgeLoadTests",
            dependencies: ["classbridge-load", .product(name: "WebRTC", package: rootIdentity)]
        ),
    ]
)
