import Foundation
import Logging
import TestSupport
import TLSCrypto
@testable import WebServer

/// A fresh test PKI (Tests/Fixtures/tls/make_pki.py) and the Python ssl client
/// (Tests/Fixtures/tls/tls_client.py) for the HTTPS listener tests.
struct TLSFixture {
    let directory: TemporaryDirectory
    static let scripts = repositoryRoot.appendingPathComponent("Tests/Fixtures/tls")

    init() throws {
        directory = try TemporaryDirectory(prefix: "tls-tests")
        _ = try runCommand([pythonInterpreter(), Self.scripts.appendingPathComponent("make_pki.py").path, directory.url.path],
                           standardError: .capture).checked()
    }

    func path(_ name: String) -> String { directory.path(name) }

    /// A reloader over server.pem / server-key.pem (and ca.pem for client certificates).
    func reloader(clientAuth: TLSServerConfiguration.ClientAuth = .none,
                  minVersion: TLSServerConfiguration.ProtocolVersion = .tls12) throws -> TLSCertificateReloader {
        var logger = Logger(label: "tls-test")
        logger.logLevel = .critical
        let files = TLSCertificateReloader.Files(certFile: path("server.pem"), keyFile: path("server-key.pem"),
                                                 clientCAFile: clientAuth == .none ? nil : path("ca.pem"),
                                                 clientAuth: clientAuth, minVersion: minVersion)
        return try TLSCertificateReloader(files: files, logger: logger)
    }

    /// Runs tls_client.py and decodes its JSON line.
    func python(_ arguments: [String]) throws -> [String: Any] {
        let result = try runCommand([pythonInterpreter(), Self.scripts.appendingPathComponent("tls_client.py").path] + arguments,
                                    standardError: .capture)
        guard result.status == 0, let line = result.text.split(separator: "\n").last,
              let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
            throw ScriptFailed(output: result.errorText + result.text)
        }
        return object
    }

    struct ScriptFailed: Error, CustomStringConvertible {
        let output: String
        var description: String { "tls_client.py failed: \(output)" }
    }

    /// One GET with Python's ssl module, trusting ca.pem; `client` names a certificate stem.
    func get(port: Int, _ path: String, client: String? = nil, extra: [String] = []) throws -> [String: Any] {
        var args = ["get", String(port), path, "--ca", self.path("ca.pem")]
        if let client { args += ["--cert", self.path("\(client).pem"), "--key", self.path("\(client)-key.pem")] }
        return try python(args + extra)
    }
}
