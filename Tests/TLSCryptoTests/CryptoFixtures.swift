import Foundation
import TestSupport

/// Fixtures and Python for the TLSCrypto tests.
enum CryptoFixtures {
    static var repoRoot: URL { repositoryRoot }

    static func fixture(_ relative: String) throws -> String {
        try String(contentsOf: repoRoot.appendingPathComponent("Tests/Fixtures/\(relative)"), encoding: .utf8)
    }

    static var python: String { pythonInterpreter() }

    /// Runs `python -c script args...`; returns (exit status, stdout + stderr).
    static func runPython(_ script: String, _ args: [String]) throws -> (Int32, String) {
        let result = try runCommand([python, "-c", script] + args, standardError: .merge)
        return (result.status, result.text)
    }
}
