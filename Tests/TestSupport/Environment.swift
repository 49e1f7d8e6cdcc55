import Foundation

/// The repository root, found from this file's path (`Tests/TestSupport/Environment.swift`).
public let repositoryRoot: URL = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// The Python interpreter for test fixtures and helper scripts: `$GATEWAY_TEST_PYTHON` if set,
/// else `<repo>/.venv/bin/python3` if it exists, else `python3` (looked up on `PATH` by `/usr/bin/env`).
public func pythonInterpreter() -> String {
    if let python = ProcessInfo.processInfo.environment["GATEWAY_TEST_PYTHON"], !python.isEmpty { return python }
    let venv = repositoryRoot.appendingPathComponent(".venv/bin/python3").path
    return FileManager.default.isExecutableFile(atPath: venv) ? venv : "python3"
}

/// Runs blocking code (raw sockets, child processes) on its own thread: blocking the few
/// cooperative-pool threads would starve the server's async handlers.
public func onThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread { continuation.resume(with: Result { try body() }) }.start()
    }
}
