import Foundation
import EventLoop
import TLSCrypto
@testable import GRPCClient
import TestSupport

/// The Python grpcio test server (tools/grpc-test-server/server.py) as a child process.
/// It exits when our end of its stdin closes, so it never outlives the test process.
final class TestServer: @unchecked Sendable {
    static let script = repositoryRoot.appendingPathComponent("tools/grpc-test-server/server.py").path

    /// Python per the common rules (see `pythonInterpreter()`).
    static var python: String { pythonInterpreter() }

    private let process = Process()
    private let stdin = Pipe()
    let port: Int

    /// Starts `server.py serve` with `arguments` and waits for its "PORT n" line.
    convenience init(_ arguments: [String] = []) throws {
        try self.init(command: [Self.python, Self.script, "serve", "--watch-stdin"] + arguments, readyPrefix: "PORT ")
    }

    /// Starts `command` and waits for a stdout line starting with `readyPrefix` that ends in
    /// the port number ("PORT 4711", "ACCEPT 127.0.0.1:4711").
    init(command: [String], readyPrefix: String) throws {
        let stdout = Pipe()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = command
        process.standardInput = stdin
        process.standardOutput = stdout
        try process.run()
        var text = ""
        while true {
            if let line = text.split(separator: "\n").first(where: { $0.hasPrefix(readyPrefix) }), text.contains("\n") {
                guard let port = Int(String(line.reversed().prefix { $0.isNumber }.reversed())) else { break }
                self.port = port
                return
            }
            let chunk = stdout.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            text += String(decoding: chunk, as: UTF8.self)
        }
        process.terminate()
        throw TestServerError(message: "server \(command[0]) did not start: \(text)")
    }

    /// Stops the server (SIGTERM, then SIGKILL after 5 s) and waits until it has exited.
    /// Polls `isRunning`: Foundation's `waitUntilExit` can block forever off the main thread.
    func stop() {
        try? stdin.fileHandleForWriting.close()
        guard process.isRunning else { return }
        process.terminate()
        for attempt in 0..<1000 where process.isRunning {
            if attempt == 500 { kill(process.processIdentifier, SIGKILL) }
            usleep(10_000)
        }
    }

    deinit { stop() }

    /// Runs `server.py certs DIR`: test CA, server and client certs (fresh keys).
    static func makeCertificates(in directory: URL) throws {
        guard try runCommand([python, script, "certs", directory.path]).status == 0 else { throw TestServerError(message: "certificate generation failed") }
    }
}

struct TestServerError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}

/// Shared fixtures: one loop thread and one server per mode for the whole test process.
enum Fixtures {
    static let loop: EventLoopThread = try! EventLoopThread(name: "grpc-tests")
    static let plaintext: TestServer = try! TestServer()
    static let secure: SecureServers = try! SecureServers()

    static func channel(_ server: TestServer, tls: TLSClientConfiguration? = nil, host: String = "127.0.0.1") -> GRPCChannel {
        GRPCChannel(target: GRPCTarget(host: host, port: server.port, tls: tls), loop: loop.loop)
    }
}

/// A TLS and a mutual-TLS server with certificates made at test time. The key files are
/// deleted once both servers have read them; the PEMs stay in memory for the clients.
final class SecureServers: Sendable {
    let ca: String, otherCA: String, clientCert: String, clientKey: String
    let serverCert: String, serverKey: String
    let tls: TestServer, mutualTLS: TestServer

    init() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("grpc-test-certs-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        try TestServer.makeCertificates(in: directory)
        func read(_ name: String) throws -> String {
            try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)
        }
        ca = try read("ca.pem")
        otherCA = try read("other-ca.pem")
        clientCert = try read("client.pem")
        clientKey = try read("client.key")
        serverCert = try read("server.pem")
        serverKey = try read("server.key")
        tls = try TestServer(["--tls", directory.path])
        mutualTLS = try TestServer(["--tls", directory.path, "--mtls"])
    }
}
