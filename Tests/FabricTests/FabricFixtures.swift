import Fabric
import FabricProtos
import Foundation
import TLSCrypto
import TestSupport

/// Fixtures and Python for the Fabric tests.
enum FabricFixtures {
    static var repoRoot: URL { repositoryRoot }

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

    static var python: String { pythonInterpreter() }

    /// Runs `python -c script args...`; returns (exit status, stdout + stderr).
    static func runPython(_ script: String, _ args: [String]) throws -> (Int32, String) {
        let result = try runCommand([python, "-c", script] + args, standardError: .merge)
        return (result.status, result.text)
    }
}
