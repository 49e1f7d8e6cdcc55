import Foundation

/// A fresh test PKI for the HTTPS listener (Tests/Fixtures/tls/make_pki.py: a CA, server
/// certificates server-a and server-b, client certificates CN=ci,O=Org1 valid, expired and from
/// another CA) and the Python ssl client beside it (tls_client.py).
public struct TestPKI: Sendable {
    public let directory: TemporaryDirectory
    public static let scripts = repositoryRoot.appendingPathComponent("Tests/Fixtures/tls")

    public init() throws {
        directory = try TemporaryDirectory(prefix: "tls-tests")
        _ = try runCommand([pythonInterpreter(), Self.scripts.appendingPathComponent("make_pki.py").path, directory.url.path],
                           standardError: .capture).checked()
    }

    public func path(_ name: String) -> String { directory.path(name) }

    /// Runs tls_client.py and decodes its JSON line.
    public func python(_ arguments: [String]) throws -> [String: Any] {
        let result = try runCommand([pythonInterpreter(), Self.scripts.appendingPathComponent("tls_client.py").path] + arguments,
                                    standardError: .capture)
        guard result.status == 0, let line = result.text.split(separator: "\n").last,
              let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
            throw ScriptFailed(output: result.errorText + result.text)
        }
        return object
    }

    public struct ScriptFailed: Error, CustomStringConvertible {
        public let output: String
        public var description: String { "tls_client.py failed: \(output)" }
    }

    /// One GET with Python's ssl module, trusting ca.pem; `client` names a certificate stem.
    public func get(port: Int, _ path: String, client: String? = nil, extra: [String] = []) throws -> [String: Any] {
        var args = ["get", String(port), path, "--ca", self.path("ca.pem")]
        if let client { args += ["--cert", self.path("\(client).pem"), "--key", self.path("\(client)-key.pem")] }
        return try python(args + extra)
    }

    /// A plain-TCP -> TLS proxy to `port` (tls_client.py proxy), presenting the client
    /// certificate `client` when given: plain-socket test clients reach the TLS listener through
    /// it. Returns the child (stop it) and the proxy's port.
    public func startProxy(to port: Int, client: String? = nil) async throws -> (ChildProcess, Int) {
        var args = [pythonInterpreter(), Self.scripts.appendingPathComponent("tls_client.py").path, "proxy", String(port),
                    "--ca", path("ca.pem")]
        if let client { args += ["--cert", path("\(client).pem"), "--key", path("\(client)-key.pem")] }
        let child = try await ChildProcess.start(args, readyMarker: "}")
        let line = child.output.split(separator: "\n").first.map(String.init) ?? ""
        guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], let p = object["port"] as? Int else {
            await child.stop()
            throw ScriptFailed(output: child.output)
        }
        return (child, p)
    }
}
