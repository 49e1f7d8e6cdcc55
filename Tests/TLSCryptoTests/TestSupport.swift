import Foundation

/// Locations and helpers shared by the TLSCrypto tests.
enum TestSupport {
    /// Repository root, from this file's path (Tests/TLSCryptoTests/TestSupport.swift).
    static let repoRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func fixture(_ relative: String) throws -> String {
        try String(contentsOf: repoRoot.appendingPathComponent("Tests/Fixtures/\(relative)"), encoding: .utf8)
    }

    /// Python per the common rules: GATEWAY_TEST_PYTHON, else <repo>/.venv/bin/python3, else python3.
    static var python: String {
        if let env = ProcessInfo.processInfo.environment["GATEWAY_TEST_PYTHON"], !env.isEmpty { return env }
        let venv = repoRoot.appendingPathComponent(".venv/bin/python3").path
        return FileManager.default.isExecutableFile(atPath: venv) ? venv : "python3"
    }

    /// Runs `python -c script args...`; returns (exit status, stdout + stderr).
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
