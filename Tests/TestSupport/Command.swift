import Foundation
import Synchronization

/// What a child process's standard error goes to.
public enum StandardErrorHandling: Sendable {
    /// The test process's own standard error.
    case inherit
    /// Interleaved into `CommandResult.output`.
    case merge
    /// Kept apart in `CommandResult.errorOutput`.
    case capture
}

/// How a command ended and what it wrote.
public struct CommandResult: Sendable {
    /// The command line as given to `/usr/bin/env`.
    public let arguments: [String]
    /// The exit status.
    public let status: Int32
    /// Standard output (with standard error when merged).
    public let output: [UInt8]
    /// Standard error, when captured apart; empty otherwise.
    public let errorOutput: [UInt8]

    /// `output` as UTF-8 text.
    public var text: String { String(decoding: output, as: UTF8.self) }
    /// `errorOutput` as UTF-8 text.
    public var errorText: String { String(decoding: errorOutput, as: UTF8.self) }

    /// This result if the command exited 0; throws `CommandFailed` otherwise.
    public func checked() throws -> CommandResult {
        // With standard error merged, the output is what says why.
        guard status == 0 else {
            throw CommandFailed(arguments: arguments, status: status, errorText: errorOutput.isEmpty ? text : errorText)
        }
        return self
    }
}

/// A command exited with a non-zero status.
public struct CommandFailed: Error, CustomStringConvertible {
    /// The command line.
    public let arguments: [String]
    /// The exit status.
    public let status: Int32
    /// Its standard error when it was captured, else empty.
    public let errorText: String

    public var description: String {
        // Leading VAR=value words name nothing: the first word that is not one is the program.
        "\(arguments.first { !$0.contains("=") } ?? arguments.first ?? "?") exited \(status)"
            + (errorText.isEmpty ? "" : ": \(errorText.suffix(2000))")
    }
}

/// Runs `arguments` through `/usr/bin/env` (so `PATH` lookup applies) and waits for it. Blocking:
/// from async code call it through `onThread`. `stdin` is written then closed (nil: empty input).
/// A non-zero exit is not an error here; use `checked()` for that.
public func runCommand(_ arguments: [String], in directory: URL? = nil, stdin: [UInt8]? = nil,
                       standardError: StandardErrorHandling = .inherit) throws -> CommandResult {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = arguments
    if let directory { process.currentDirectoryURL = directory }
    let out = Pipe(), input = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardInput = input
    switch standardError {
    case .inherit: break
    case .merge: process.standardError = out
    case .capture: process.standardError = err
    }
    try process.run()
    let errorOutput = standardError == .capture ? readInBackground(err.fileHandleForReading) : nil
    if let stdin { input.fileHandleForWriting.write(Data(stdin)) }
    try input.fileHandleForWriting.close()
    let output = out.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return CommandResult(arguments: arguments, status: process.terminationStatus, output: [UInt8](output),
                         errorOutput: errorOutput?() ?? [])
}

/// Drains `handle` on its own thread (so a chatty stderr cannot block the child while stdout is
/// read); the returned function waits for end of file and gives the bytes.
private func readInBackground(_ handle: FileHandle) -> @Sendable () -> [UInt8] {
    let box = ByteBox()
    let done = DispatchSemaphore(value: 0)
    Thread {
        let data = handle.readDataToEndOfFile()
        box.bytes.withLock { $0 = [UInt8](data) }
        done.signal()
    }.start()
    return {
        done.wait()
        return box.bytes.withLock { $0 }
    }
}

private final class ByteBox: Sendable {
    let bytes = Mutex<[UInt8]>([])
}
