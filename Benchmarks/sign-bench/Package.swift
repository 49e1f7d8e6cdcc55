// swift-tools-version:6.1
// Signer side of scripts/bench-sign.sh: Fabric signatures per second with the key in memory
// (PrivateKeySigner, OpenSSL) and in a PKCS#11 token (PKCS11Signer). A separate package so the
// gateway's own build never contains benchmark code.
import PackageDescription

let package = Package(
    name: "sign-bench",
    platforms: [.macOS(.v14)],
    dependencies: [.package(name: "chaincode-gateway", path: "../..")],
    targets: [
        .executableTarget(name: "SignBench", dependencies: [
            .product(name: "PKCS11Signing", package: "chaincode-gateway"),
        ]),
    ],
    swiftLanguageModes: [.v6]
)
