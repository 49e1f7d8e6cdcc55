import Fabric
import FabricProtos
import Foundation
import TLSCrypto

/// Fixtures, Python and small helpers shared by the Fabric tests.
enum TestSupport {
    static let repoRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static var mspDirectory: String { repoRoot.appendingPathComponent("Tests/Fixtures/msp-org1-admin").path }

    static func fixturePath(_ relative: String) -> String {
        repoRoot.appendingPathComponent("Tests/Fixtures/\(relative)").path
    }

    /// The Org1 admin from the committed MSP fixture.
    static func admin() throws -> SigningIdentity {
        try SigningIdentity.loadMSP(directory: mspDirectory, mspID: "Org1MSP")
    }

    /// A fresh identity with a self-made certificate is not needed: tests reuse the fixture
    /// certificate with a different MSP ID when they need a second org.
    static func identity(mspID: String) throws -> SigningIdentity {
        try SigningIdentity.loadMSP(directory: mspDirectory, mspID: mspID)
    }

    static var python: String {
        if let env = ProcessInfo.processInfo.environment["GATEWAY_TEST_PYTHON"], !env.isEmpty { return env }
        let venv = repoRoot.appendingPathComponent(".venv/bin/python3").path
        return FileManager.default.isExecutableFile(atPath: venv) ? venv : "python3"
    }

    static func runPython(_ script: String, _ args: [String]) throws -> (Int32, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [python, "-c", script] + args
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}

extension Array where Element == UInt8 {
    init(hex: String) {
        let chars = Array(hex.utf8)
        self = stride(from: 0, to: chars.count, by: 2).map {
            UInt8(String(decoding: chars[$0..<$0 + 2], as: UTF8.self), radix: 16)!
        }
    }
}
