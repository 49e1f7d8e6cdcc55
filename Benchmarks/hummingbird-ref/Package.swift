// swift-tools-version:6.0
// Reference server for scripts/bench-http.sh: Hummingbird 2 serving the same two routes as the
// gateway (`GET /healthz` and static files), so CPU per request can be compared like for like.
// A separate package so the gateway itself never depends on SwiftNIO.
import PackageDescription

let package = Package(
    name: "hummingbird-ref",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "hummingbird-ref", targets: ["HummingbirdRef"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.0.0"),
    ],
    targets: [
        .executableTarget(name: "HummingbirdRef", dependencies: [
            .product(name: "Hummingbird", package: "hummingbird"),
        ]),
    ]
)
