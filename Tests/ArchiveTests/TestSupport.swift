import Foundation
@testable import Archive

final class TemporaryDirectory {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("archive-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    func path(_ name: String) -> String { url.appendingPathComponent(name).path }
}

let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

/// Python for fixture generation: GATEWAY_TEST_PYTHON, else <repo>/.venv/bin/python3, else python3.
func pythonExecutable() -> [String] {
    if let python = ProcessInfo.processInfo.environment["GATEWAY_TEST_PYTHON"], !python.isEmpty { return [python] }
    let venv = repositoryRoot.appendingPathComponent(".venv/bin/python3").path
    if FileManager.default.isExecutableFile(atPath: venv) { return [venv] }
    return ["python3"]
}

struct CommandFailed: Error, CustomStringConvertible {
    let description: String
}

/// Runs a command (via /usr/bin/env) in `directory`, returning stdout; throws on non-zero exit.
@discardableResult
func run(_ arguments: [String], in directory: URL, stdin: [UInt8]? = nil) throws -> [UInt8] {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = arguments
    process.currentDirectoryURL = directory
    let out = Pipe()
    process.standardOutput = out
    let input = Pipe()
    process.standardInput = input
    try process.run()
    if let stdin { input.fileHandleForWriting.write(Data(stdin)) }
    try input.fileHandleForWriting.close()
    let data = out.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else { throw CommandFailed(description: "\(arguments) exited \(process.terminationStatus)") }
    return [UInt8](data)
}

func runPython(_ script: String, in directory: URL) throws {
    try run(pythonExecutable() + ["-c", script], in: directory)
}

/// Hands out at most `step` bytes per read: every read boundary is exercised.
final class DripByteSource: ByteSource {
    private let bytes: [UInt8]
    private let step: Int
    private var offset = 0

    init(_ bytes: [UInt8], step: Int = 1) {
        self.bytes = bytes
        self.step = step
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let n = min(step, buffer.count, bytes.count - offset)
        guard n > 0 else { return 0 }
        for i in 0..<n { buffer[i] = bytes[offset + i] }
        offset += n
        return n
    }
}

/// Reads all entries and their contents.
func readTar(_ source: any ByteSource) throws -> [(TarEntry, [UInt8])] {
    let reader = TarReader(source: source)
    var out: [(TarEntry, [UInt8])] = []
    while let entry = try reader.next() {
        out.append((entry, try reader.readContents(of: entry, limit: 1 << 24)))
    }
    return out
}

func fileBytes(_ path: String) throws -> [UInt8] {
    [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
}
