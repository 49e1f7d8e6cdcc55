import Foundation
import Glibc
import Testing
import TestSupport
import TLSCrypto
@testable import WebServer

/// HTTPS on the server's own listener: real handshakes with Python's ssl module, curl and
/// openssl s_client against a fresh test PKI.
@Suite(.timeLimit(.minutes(3))) struct TLSServerTests {
    func withTLSServer(clientAuth: TLSServerConfiguration.ClientAuth = .none, handshakeTimeoutNanos: UInt64? = nil,
                       _ body: @escaping @Sendable (ServerFixture, TestPKI, TLSCertificateReloader) throws -> Void) async throws {
        let tls = try TestPKI()
        let reloader = try tls.reloader(clientAuth: clientAuth)
        let fx = try ServerFixture { config in
            config.tls = reloader.provider
            if let handshakeTimeoutNanos { config.tlsHandshakeTimeoutNanos = handshakeTimeoutNanos }
        }
        do { try await onThread { try body(fx, tls, reloader) } } catch { await fx.stop(); throw error }
        await fx.stop()
        #expect(DescriptorAudit.openSocketsSettled(port: fx.port, end: .local) == 0, "socket descriptors leaked")
    }

    @Test("Python's ssl module: TLS 1.3 and 1.2 handshakes, ALPN http/1.1, a GET answered")
    func pythonHandshake() async throws {
        try await withTLSServer { fx, tls, _ in
            let r13 = try tls.get(port: fx.port, "/hello", extra: ["--alpn", "h2,http/1.1"])
            #expect(r13["status"] as? Int == 200, "\(r13)")
            #expect(r13["body"] as? String == #"{"hello":"world"}"#)
            #expect(r13["version"] as? String == "TLSv1.3")
            #expect(r13["alpn"] as? String == "http/1.1")
            #expect(r13["peer"] as? String == "server-a")
            #expect(r13["hsts"] as? String == "max-age=31536000", "a TLS listener sends Strict-Transport-Security")
            let r12 = try tls.get(port: fx.port, "/hello", extra: ["--tls12"])
            #expect(r12["status"] as? Int == 200, "\(r12)")
            #expect(r12["version"] as? String == "TLSv1.2")
            #expect((r12["cipher"] as? String)?.contains("GCM") == true || (r12["cipher"] as? String)?.contains("CHACHA20") == true)
            // A client that offers ALPN without http/1.1 is refused (RFC 7301 §3.2).
            let h2only = try tls.get(port: fx.port, "/hello", extra: ["--alpn", "h2"])
            #expect(Self.mentions(h2only["error"], "no application protocol"), "\(h2only)")
        }
    }

    @Test("curl: a keep-alive connection serves several requests; SNI is accepted")
    func curlHandshake() async throws {
        try await withTLSServer { fx, tls, _ in
            let url = "https://localhost:\(fx.port)/hello"
            let r = try runCommand(["curl", "-sS", "--cacert", tls.path("ca.pem"), url, url, "-w", " %{http_code} %{num_connects}\n"],
                                   standardError: .merge)
            #expect(r.status == 0, "\(r.text)")
            // The second request reused the first connection (0 new connects).
            #expect(r.text == "{\"hello\":\"world\"} 200 1\n{\"hello\":\"world\"} 200 0\n", "\(r.text)")
        }
    }

    @Test("client certificates: a wrong CA and an expired certificate are refused; required without one is refused at the handshake")
    func clientCertificates() async throws {
        try await withTLSServer(clientAuth: .required) { fx, tls, _ in
            let good = try tls.get(port: fx.port, "/hello", client: "client")
            #expect(good["status"] as? Int == 200, "\(good)")
            for stem in ["client-other", "client-expired"] {
                let refused = try tls.get(port: fx.port, "/hello", client: stem)
                #expect(refused["status"] == nil && refused["error"] != nil, "\(stem): \(refused)")
            }
            // TLS 1.2: the refusal ends the handshake itself (do_handshake fails).
            let none12 = try tls.get(port: fx.port, "/hello", extra: ["--tls12"])
            #expect(Self.mentions(none12["error"], "handshake failure"), "\(none12)")
            #expect(none12["version"] == nil, "no handshake may complete: \(none12)")
            // TLS 1.3: the server's certificate_required alert ends the connection before any response.
            let none13 = try tls.get(port: fx.port, "/hello")
            #expect(Self.mentions(none13["error"], "certificate required"), "\(none13)")
        }
    }

    @Test("optional client certificates: requests without one are served, with one the identity reaches the handler")
    func optionalClientCertificate() async throws {
        try await withTLSServer(clientAuth: .optional) { fx, tls, _ in
            let anonymous = try tls.get(port: fx.port, "/hello")
            #expect(anonymous["status"] as? Int == 200, "\(anonymous)")
            let withCert = try tls.get(port: fx.port, "/hello", client: "client")
            #expect(withCert["status"] as? Int == 200, "\(withCert)")
            let wrong = try tls.get(port: fx.port, "/hello", client: "client-other")
            #expect(wrong["status"] == nil, "an untrusted certificate is refused even when optional: \(wrong)")
        }
    }

    @Test("TLS 1.2 renegotiation is refused")
    func renegotiation() async throws {
        try await withTLSServer { fx, tls, _ in
            // s_client renegotiates when an input line is "R" (commands are off with -ign_eof, so
            // the input is paced instead: the request follows once the renegotiation had time).
            let script = "(printf 'R\\n'; sleep 1; printf 'GET /hello HTTP/1.1\\r\\nHost: localhost\\r\\n\\r\\n'; sleep 1) | "
                + "openssl s_client -connect 127.0.0.1:\(fx.port) -tls1_2 -CAfile \(tls.path("ca.pem")) -servername localhost"
            let r = try runCommand(["sh", "-c", script], standardError: .merge)
            #expect(r.text.contains("RENEGOTIATING"), "\(r.text)")
            #expect(r.text.contains("no renegotiation"), "the server must refuse: \(r.text)")
            #expect(!r.text.contains("HTTP/1.1 200"), "the connection must not carry on: \(r.text)")
        }
    }

    @Test("a stalled handshake is closed after the handshake timeout")
    func slowHandshake() async throws {
        try await withTLSServer(handshakeTimeoutNanos: 300_000_000) { fx, _, _ in
            let c = try TestClient(port: fx.port, timeoutSeconds: 10)
            try c.send([0x16, 0x03, 0x01])  // the start of a ClientHello record, then nothing
            let start = Date()
            _ = c.isClosedByServer()
            let waited = Date().timeIntervalSince(start)
            #expect(waited < 5, "closed after \(waited) s; the read timeout (10 s) would mean it never was")
        }
    }

    /// Whether an error text names `reason` (OpenSSL and Python spell it with '_' or ' ', any case).
    static func mentions(_ error: Any?, _ reason: String) -> Bool {
        guard let text = error as? String else { return false }
        return text.lowercased().replacingOccurrences(of: "_", with: " ").contains(reason)
    }

    @Test("a 48 MiB upload and a 20 MiB file body over TLS, byte for byte")
    func largeTransfers() async throws {
        try await withTLSServer { fx, tls, _ in
            let up = try tls.python(["put", String(fx.port), "/digest", String(48 << 20), "--ca", tls.path("ca.pem")])
            let answer = try JSONSerialization.jsonObject(with: Data((up["body"] as? String ?? "").utf8)) as? [String: Any]
            #expect(up["status"] as? Int == 200, "\(up)")
            #expect(answer?["received"] as? Int == 48 << 20)
            #expect(answer?["sha256"] as? String == up["sentSha256"] as? String)
            var rng = SystemRandomNumberGenerator()
            let file = (0..<(20 << 20)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            try Data(file).write(to: URL(fileURLWithPath: fx.publicDir + "/big.bin"))
            // A file body: sendfile(2) on a plain connection, read and encrypted here.
            let down = try tls.get(port: fx.port, "/download/big.bin")
            #expect(down["status"] as? Int == 200, "\(down)")
            #expect(down["length"] as? Int == file.count)
            #expect(down["sha256"] as? String == SHA256.hash(file).hexString)
        }
    }

    @Test("certificate files replaced on disk: new connections get the new certificate, an open one keeps working")
    func reloadOnFileChange() async throws {
        try await withTLSServer { fx, tls, reloader in
            reloader.watch(intervalSeconds: 0.05)
            defer { reloader.stopWatching() }
            let r = try tls.python(["reload", String(fx.port), "--ca", tls.path("ca.pem"), "--dir", tls.directory.url.path])
            #expect(r["before"] as? String == "server-a")
            #expect(r["after"] as? String == "server-b", "\(r)")
            #expect(r["oldConnectionStatus"] as? Int == 200)
            #expect(r["oldConnectionPeer"] as? String == "server-a")
        }
    }

    @Test("a reload that fails (a key that does not match) keeps serving the previous certificate")
    func failedReload() async throws {
        try await withTLSServer { fx, tls, reloader in
            try FileManager.default.removeItem(atPath: tls.path("server.pem"))
            try FileManager.default.copyItem(atPath: tls.path("server-b.pem"), toPath: tls.path("server.pem"))
            #expect(reloader.reloadIfChanged() == false)
            #expect(reloader.reloadIfChanged() == false, "an unchanged (still broken) set of files is not retried")
            let r = try tls.get(port: fx.port, "/hello")
            #expect(r["status"] as? Int == 200 && r["peer"] as? String == "server-a", "\(r)")
            try FileManager.default.removeItem(atPath: tls.path("server-key.pem"))
            try FileManager.default.copyItem(atPath: tls.path("server-b-key.pem"), toPath: tls.path("server-key.pem"))
            #expect(reloader.reloadIfChanged() == true)
            #expect(try tls.get(port: fx.port, "/hello")["peer"] as? String == "server-b")
        }
    }
}
