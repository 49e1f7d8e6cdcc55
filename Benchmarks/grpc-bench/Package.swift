// swift-tools-version:6.1
// Client side of scripts/bench-grpc.sh: unary calls over one GRPCChannel with N in flight.
// A separate package so the gateway's own build never contains benchmark code.
import PackageDescription

let package = Package(
    name: "grpc-bench",
    platforms: [.macOS(.v14)],
    dependencies: [.package(name: "chaincode-gateway", path: "../..")],
    targets: [
        .executableTarget(name: "GRPCBench", dependencies: [
            .product(name: "GRPCClient", package: "chaincode-gateway"),
        ]),
    ],
    swiftLanguageModes: [.v6]
)
