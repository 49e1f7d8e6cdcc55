import Foundation
import Glibc
import Synchronization

/// A long-running child (fabric-sim, the gateway binary) started for a test: it runs with an
/// empty signal mask, `start` returns once a ready marker appears in its output, and `stop`
/// ends it one way: SIGTERM, a bounded wait, then SIGKILL.
///
/// The signal mask: Foundation's `Process` spawns from a thread of the test runner, which
/// blocks SIGTERM, and a child inherits the mask, so a plain `terminate()` would never reach
/// the child's handler. The child is therefore started through a small Python trampoline that
/// clears the mask and `exec`s the real command (the mask survives `exec`).
public final class ChildProcess: Sendable {
    /// The command line, as given (without the trampoline).
    public let arguments: [String]
    private let process: Process
    private let shared = Shared()
    /// The read end of the child's output pipe (`readOutput`).
    private let outputHandle: FileHandle
    /// The read end of its standard error pipe, unless merged into the output.
    private let errorHandle: FileHandle?

    /// What the pipe and termination handlers share with the caller.
    private final class Shared: Sendable {
        let state = Mutex(State())
    }

    private struct State {
        var output: [UInt8] = []
        /// How standard output ended ("end of file" or the read error).
        var outputEnding = ""
        /// The end of standard error (when not merged), for `NotReady`.
        var errors: [UInt8] = []
        var errorsEnded = false
        var exited = false
        var exitWaiters: [CheckedContinuation<Void, Never>] = []
        var readyWaiter: (marker: [UInt8], continuation: CheckedContinuation<Void, any Error>)?
    }

    /// Output kept for `output` and error messages; the rest is read and dropped so that a
    /// chatty child never blocks on a full pipe.
    public static let maxKeptOutput = 1 << 20

    /// The child did not print its ready marker; carries what it printed.
    public struct NotReady: Error, CustomStringConvertible {
        public let arguments: [String]
        public let output: String
        /// How the output ended (end of file, or a read error), the exit status once known, and
        /// the end of standard error when it was not merged.
        public var details = ""
        public var description: String {
            "\(arguments.joined(separator: " ")) exited before it was ready: \(output)" + (details.isEmpty ? "" : " [\(details)]")
        }
    }

    /// Starts `arguments` (looked up on `PATH`) in `directory` and returns once `readyMarker`
    /// appears in its standard output (with standard error too when `mergeStandardError`).
    /// Throws `NotReady` if the child ends first. Bound the wait with the test's time limit.
    public static func start(_ arguments: [String], in directory: URL? = nil, readyMarker: String,
                             mergeStandardError: Bool = false) async throws -> ChildProcess {
        let child = ChildProcess(arguments, in: directory, mergeStandardError: mergeStandardError)
        do {
            try await child.launch(readyMarker: Array(readyMarker.utf8))
        } catch var notReady as NotReady {
            await child.stop()
            // Standard error is read by its own thread: give it a moment to reach the end.
            for _ in 0..<20 where !child.shared.state.withLock({ $0.errorsEnded }) { try? await Task.sleep(for: .milliseconds(50)) }
            let (ending, errors) = child.shared.state.withLock { ($0.outputEnding, $0.errors) }
            let status = child.terminationStatus.map { "exit status \($0)" } ?? "still running"
            notReady.details = "\(ending); \(status); stderr: \(String(decoding: errors.suffix(2000), as: UTF8.self))"
            throw notReady
        } catch {
            await child.stop()
            throw error
        }
        return child
    }

    private init(_ arguments: [String], in directory: URL?, mergeStandardError: Bool) {
        self.arguments = arguments
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        let trampoline = "import os, signal, sys; signal.pthread_sigmask(signal.SIG_SETMASK, []); "
            + "os.execvp(sys.argv[1], sys.argv[1:])"
        process.arguments = [pythonInterpreter(), "-c", trampoline] + arguments
        if let directory { process.currentDirectoryURL = directory }
        process.standardInput = FileHandle.nullDevice
        let pipe = Pipe()
        process.standardOutput = pipe
        let errorPipe = Pipe()
        process.standardError = mergeStandardError ? pipe : errorPipe
        errorHandle = mergeStandardError ? nil : errorPipe.fileHandleForReading
        let shared = self.shared
        // Read by a thread of its own with blocking reads until end of file, not with a
        // FileHandle readabilityHandler: that registers the descriptor with libdispatch's epoll,
        // and a descriptor closed while still registered (the FileHandle freed before the
        // source's cancellation completed, or a grandchild keeping the pipe open) has crashed
        // the test process in `_dispatch_event_loop_drain` once its number was reused.
        outputHandle = pipe.fileHandleForReading
        process.terminationHandler = { _ in
            let waiters = shared.state.withLock { s in
                s.exited = true
                defer { s.exitWaiters = [] }
                return s.exitWaiters
            }
            for waiter in waiters { waiter.resume() }
        }
    }

    private func launch(readyMarker: [UInt8]) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            shared.state.withLock { $0.readyWaiter = (readyMarker, continuation) }
            do {
                try process.run()
                Self.readOutput(outputHandle, shared: shared, arguments: arguments)
                if let errorHandle { Self.readErrors(errorHandle, shared: shared) } else { shared.state.withLock { $0.errorsEnded = true } }
            } catch {
                let waiter = shared.state.withLock { s in
                    defer { s.readyWaiter = nil }
                    return s.readyWaiter
                }
                waiter?.continuation.resume(throwing: error)
            }
        }
    }

    /// Reads the child's output with blocking reads until end of file, on a thread of its own,
    /// keeping it for `output` and waking the ready waiter; then closes the pipe.
    private static func readOutput(_ reader: FileHandle, shared: Shared, arguments: [String]) {
        let thread = Thread {
            withUnsafeTemporaryAllocation(byteCount: 65536, alignment: 1) { buffer in
                while true {
                    let n = Glibc.read(reader.fileDescriptor, buffer.baseAddress, buffer.count)
                    if n < 0 && errno == EINTR { continue }
                    let ending = n == 0 ? "end of file" : n < 0 ? "read error: \(String(cString: strerror(errno)))" : ""
                    let data = n > 0 ? Array(buffer[..<n]) : []
                    let finished = shared.state.withLock { s -> Bool in
                        if data.isEmpty { s.outputEnding = ending }
                        if s.output.count < Self.maxKeptOutput {
                            s.output += data.prefix(Self.maxKeptOutput - s.output.count)
                        }
                        if let waiter = s.readyWaiter {
                            if Self.contains(s.output, waiter.marker) {
                                s.readyWaiter = nil
                                waiter.continuation.resume()
                            } else if data.isEmpty {
                                s.readyWaiter = nil
                                waiter.continuation.resume(throwing: NotReady(arguments: arguments, output: String(decoding: s.output, as: UTF8.self)))
                            }
                        }
                        return data.isEmpty
                    }
                    if finished { break }
                }
            }
            try? reader.close()
        }
        thread.name = "child-output"
        thread.start()
    }

    /// Keeps the last 64 KiB of the child's standard error, on a thread of its own, until end of file.
    private static func readErrors(_ reader: FileHandle, shared: Shared) {
        let thread = Thread {
            withUnsafeTemporaryAllocation(byteCount: 16384, alignment: 1) { buffer in
                while true {
                    let n = Glibc.read(reader.fileDescriptor, buffer.baseAddress, buffer.count)
                    if n < 0 && errno == EINTR { continue }
                    guard n > 0 else { break }
                    shared.state.withLock { s in
                        s.errors += buffer[..<n]
                        if s.errors.count > 65536 { s.errors.removeFirst(s.errors.count - 65536) }
                    }
                }
            }
            shared.state.withLock { $0.errorsEnded = true }
            try? reader.close()
        }
        thread.name = "child-errors"
        thread.start()
    }

    /// The child's process ID.
    public var processIdentifier: Int32 { process.processIdentifier }

    /// What the child printed so far (up to `maxKeptOutput` bytes).
    public var output: String { shared.state.withLock { String(decoding: $0.output, as: UTF8.self) } }

    /// The exit status once it has exited (the signal number when a signal ended it).
    public var terminationStatus: Int32? {
        shared.state.withLock { $0.exited } ? process.terminationStatus : nil
    }

    /// Sends SIGTERM, waits up to `grace` for the child to exit, then sends SIGKILL; returns once
    /// it has exited. Idempotent.
    public func stop(grace: Duration = .seconds(10)) async {
        guard process.processIdentifier != 0 else { return }  // never launched
        let pid = process.processIdentifier
        if shared.state.withLock({ !$0.exited }) { kill(pid, SIGTERM) }
        // Cancelled (so never fires) as soon as the child has exited.
        let killer = Task {
            try await Task.sleep(for: grace)
            kill(pid, SIGKILL)
        }
        await waitForExit()
        killer.cancel()
    }

    /// Sends `signal` (SIGKILL: a crash, no shutdown code runs) and returns once the child has exited.
    public func deliver(_ signal: Int32) async {
        guard process.processIdentifier != 0 else { return }
        if shared.state.withLock({ !$0.exited }) { Glibc.kill(process.processIdentifier, signal) }
        await waitForExit()
    }

    /// Waits until the child has exited (however that happens).
    public func waitForExit() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let exited = shared.state.withLock { s in
                if !s.exited { s.exitWaiters.append(continuation) }
                return s.exited
            }
            if exited { continuation.resume() }
        }
    }

    private static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard !needle.isEmpty, haystack.count >= needle.count else { return needle.isEmpty }
        return (0...(haystack.count - needle.count)).contains { i in haystack[i..<(i + needle.count)].elementsEqual(needle) }
    }
}
