// swift-tools-version:6.1
// Chaincode Admin Gateway. Layering (lower never imports higher):
//   C shims < SystemIO, HTTP1, TLSCrypto, Archive, Store < EventLoop < WebServer, GRPCClient
//   < Fabric, ChaincodePackages < AdminAPI < Gateway (executable); Configuration (the config
//   file's typed model, over Yams) sits beside Store and is imported by AdminAPI and Gateway
// Each C shim module is imported by exactly one Swift module.
import PackageDescription

let strict: [SwiftSetting] = [.enableUpcomingFeature("ExistentialAny")]

let package = Package(
    name: "chaincode-gateway",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "chaincode-gateway", targets: ["Gateway"]),
        // For Benchmarks/grpc-bench (a separate package depending on this one by path).
        .library(name: "GRPCClient", targets: ["GRPCClient", "EventLoop"]),
    ],
    dependencies: [
        // Command-line parsing for `serve` / `token` subcommands.
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        // Structured logging API; the server's access log and every module log through it.
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        // Runtime for the generated Fabric protobuf messages (Sources/FabricProtos).
        .package(url: "https://github.com/apple/swift-protobuf", from: "1.28.0"),
        // YAML configuration files (network config, Fabric connection profiles).
        .package(url: "https://github.com/jpsim/Yams", from: "5.0.1"),
    ],
    targets: [
        // C shims: one module map + header each; no Swift code.
        .target(name: "CLinux", path: "Sources/CLinux"),
        .systemLibrary(name: "COpenSSL", path: "Sources/COpenSSL"),
        .systemLibrary(name: "CNGHTTP2", path: "Sources/CNGHTTP2"),
        .systemLibrary(name: "CSQLite", path: "Sources/CSQLite"),
        .systemLibrary(name: "CZlib", path: "Sources/CZlib"),

        .target(name: "SystemIO", dependencies: ["CLinux"], swiftSettings: strict),
        // Prometheus-style counters and histograms for GET /metrics; no dependencies.
        .target(name: "Telemetry", swiftSettings: strict),
        .target(name: "EventLoop", dependencies: ["SystemIO"], swiftSettings: strict),
        .target(name: "HTTP1", swiftSettings: strict),
        // JSON values, the strict parser and the writer; no dependencies.
        .target(name: "JSON", swiftSettings: strict),
        .target(name: "WebServer", dependencies: [
            "SystemIO", "EventLoop", "HTTP1", "JSON", .product(name: "Logging", package: "swift-log"),
        ], swiftSettings: strict),
        .target(name: "TLSCrypto", dependencies: ["COpenSSL"], swiftSettings: strict),
        .target(name: "GRPCClient", dependencies: [
            "CNGHTTP2", "TLSCrypto", "SystemIO", "EventLoop", .product(name: "Logging", package: "swift-log"),
        ], swiftSettings: strict),
        .target(name: "FabricProtos", dependencies: [
            .product(name: "SwiftProtobuf", package: "swift-protobuf"),
        ]),
        .target(name: "Fabric", dependencies: [
            "FabricProtos", "TLSCrypto",
            .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            .product(name: "Logging", package: "swift-log"),
        ], swiftSettings: strict),
        .target(name: "Archive", dependencies: ["CZlib"], swiftSettings: strict),
        .target(name: "ChaincodePackages", dependencies: ["Archive", "TLSCrypto", "Store"], swiftSettings: strict),
        .target(name: "Store", dependencies: ["CSQLite"], swiftSettings: strict),
        // The gateway configuration file (server settings, network, Fabric connection profiles),
        // parsed once into one typed model; errors name the file, the key and the problem.
        .target(name: "Configuration", dependencies: [
            .product(name: "Yams", package: "Yams"),
        ], swiftSettings: strict),
        .target(name: "AdminAPI", dependencies: [
            "JSON", "WebServer", "HTTP1", "Store", "ChaincodePackages", "Fabric", "FabricProtos", "TLSCrypto", "GRPCClient", "EventLoop",
            "SystemIO",
            "Telemetry",
            "Configuration",
            .product(name: "Logging", package: "swift-log"),
            .product(name: "SwiftProtobuf", package: "swift-protobuf"),
        ], swiftSettings: strict),
        .executableTarget(name: "Gateway", dependencies: [
            "AdminAPI", "Configuration", "WebServer", "Store", "Fabric", "ChaincodePackages",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Logging", package: "swift-log"),
        ], swiftSettings: strict),

        // Helpers shared by the test targets (HTTP test client, temp dirs, Python, commands); not a product.
        .target(name: "TestSupport", path: "Tests/TestSupport", swiftSettings: strict),

        .testTarget(name: "TelemetryTests", dependencies: ["Telemetry"]),
        .testTarget(name: "EventLoopTests", dependencies: ["EventLoop", "SystemIO"]),
        .testTarget(name: "HTTP1Tests", dependencies: ["HTTP1"]),
        .testTarget(name: "JSONTests", dependencies: ["JSON"]),
        .testTarget(name: "WebServerTests", dependencies: ["TestSupport", "JSON", "WebServer", "HTTP1", "EventLoop", "SystemIO"]),
        .testTarget(name: "TLSCryptoTests", dependencies: ["TestSupport", "TLSCrypto"]),
        .testTarget(name: "GRPCClientTests", dependencies: ["TestSupport", "GRPCClient", "TLSCrypto", "EventLoop"]),
        .testTarget(name: "FabricTests", dependencies: ["TestSupport", "Fabric", "FabricProtos", "TLSCrypto", "GRPCClient", "EventLoop"]),
        .testTarget(name: "ArchiveTests", dependencies: ["TestSupport", "Archive"]),
        .testTarget(name: "ChaincodePackagesTests", dependencies: ["TestSupport", "ChaincodePackages", "Archive", "TLSCrypto", "Store"]),
        .testTarget(name: "StoreTests", dependencies: ["TestSupport", "Store"]),
        .testTarget(name: "ConfigurationTests", dependencies: ["TestSupport", "Configuration"]),
        .testTarget(name: "LifecycleTests", dependencies: ["TestSupport", "JSON", "AdminAPI", "Configuration", "WebServer", "Store", "ChaincodePackages", "Fabric", "TLSCrypto", "EventLoop"]),
        .testTarget(name: "AdminAPITests", dependencies: ["TestSupport", "JSON", "AdminAPI", "Configuration", "WebServer", "Store", "ChaincodePackages", "Archive", .product(name: "Logging", package: "swift-log"), .product(name: "Yams", package: "Yams")]),
    ],
    swiftLanguageModes: [.v6]
)
