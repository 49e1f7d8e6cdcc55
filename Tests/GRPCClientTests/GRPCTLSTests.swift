import Foundation
import Testing
import TLSCrypto
@testable import GRPCClient

@Suite("GRPCChannel over TLS and mutual TLS", .timeLimit(.minutes(2)))
struct GRPCTLSTests {
    let servers = Fixtures.secure

    private func call(_ server: TestServer, _ tls: TLSClientConfiguration, host: String = "127.0.0.1") async throws -> String {
        let channel = Fixtures.channel(server, tls: tls, host: host)
        defer { Task { await channel.close() } }
        let response = try await channel.unary(path: "/test.Echo/Unary", request: Array("secure".utf8))
        return String(decoding: response, as: UTF8.self)
    }

    @Test("TLS with the right CA succeeds (IP SAN and DNS name)")
    func tls() async throws {
        #expect(try await call(servers.tls, TLSClientConfiguration(rootCertificatesPEM: [servers.ca])) == "secure")
        #expect(try await call(servers.tls, TLSClientConfiguration(rootCertificatesPEM: [servers.ca]), host: "localhost") == "secure")
    }

    @Test("server name override picks the verified name")
    func serverNameOverride() async throws {
        let good = TLSClientConfiguration(rootCertificatesPEM: [servers.ca], serverNameOverride: "peer0.test.example")
        #expect(try await call(servers.tls, good) == "secure")
        let wrong = TLSClientConfiguration(rootCertificatesPEM: [servers.ca], serverNameOverride: "orderer.other.example")
        let error = await #expect(throws: GRPCConnectionError.self) { _ = try await call(servers.tls, wrong) }
        #expect(error?.message.contains("TLS certificate verification failed for 'orderer.other.example'") == true)
        #expect(error?.message.contains("hostname mismatch") == true)
    }

    @Test("TLS with a wrong CA fails with a clear verification error")
    func wrongCA() async throws {
        let config = TLSClientConfiguration(rootCertificatesPEM: [servers.otherCA])
        let error = await #expect(throws: GRPCConnectionError.self) { _ = try await call(servers.tls, config) }
        #expect(error?.message.hasPrefix("cannot connect to 127.0.0.1:\(servers.tls.port): TLS certificate verification failed") == true)
        #expect(error?.message.contains("unable to get local issuer certificate") == true)
    }

    @Test("mutual TLS with a client certificate succeeds")
    func mutualTLS() async throws {
        let config = TLSClientConfiguration(rootCertificatesPEM: [servers.ca], clientCertificatePEM: servers.clientCert,
                                            clientKeyPEM: servers.clientKey)
        #expect(try await call(servers.mutualTLS, config) == "secure")
    }

    @Test("mutual TLS without a client certificate fails")
    func mutualTLSWithoutCertificate() async throws {
        let config = TLSClientConfiguration(rootCertificatesPEM: [servers.ca])
        await #expect(throws: GRPCConnectionError.self) { _ = try await call(servers.mutualTLS, config) }
    }

    @Test("a TLS client talking to a plaintext server fails, not hangs")
    func tlsToPlaintext() async throws {
        let config = TLSClientConfiguration(rootCertificatesPEM: [servers.ca])
        let error = await #expect(throws: GRPCConnectionError.self) { _ = try await call(Fixtures.plaintext, config) }
        #expect(error?.message.hasPrefix("cannot connect to 127.0.0.1:") == true)
    }

    @Test("a TLS server that does not select ALPN h2 is refused")
    func noALPN() async throws {
        // `openssl s_server` completes TLS but never selects an ALPN protocol.
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("grpc-test-no-alpn-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try servers.serverCert.write(to: directory.appendingPathComponent("server.pem"), atomically: true, encoding: .utf8)
        try servers.serverKey.write(to: directory.appendingPathComponent("server.key"), atomically: true, encoding: .utf8)
        let server = try TestServer(command: [
            "openssl", "s_server", "-accept", "127.0.0.1:0", "-naccept", "1",
            "-cert", directory.appendingPathComponent("server.pem").path,
            "-key", directory.appendingPathComponent("server.key").path,
        ], readyPrefix: "ACCEPT")
        defer { server.stop() }
        let error = await #expect(throws: GRPCConnectionError.self) {
            _ = try await call(server, TLSClientConfiguration(rootCertificatesPEM: [servers.ca]))
        }
        #expect(error?.message == "cannot connect to 127.0.0.1:\(server.port): TLS server '127.0.0.1' did not negotiate ALPN protocol h2")
    }

    @Test("bad TLS configuration is reported as such")
    func badConfiguration() async throws {
        let config = TLSClientConfiguration(rootCertificatesPEM: ["not a certificate"])
        let error = await #expect(throws: GRPCConnectionError.self) { _ = try await call(servers.tls, config) }
        #expect(error?.message == "invalid TLS configuration for 127.0.0.1:\(servers.tls.port): cannot parse root certificate PEM")
        #expect(throws: TLSError.self) {
            _ = try TLSClientContext(configuration: TLSClientConfiguration(
                rootCertificatesPEM: [servers.ca], clientCertificatePEM: servers.clientCert, clientKeyPEM: "garbage"))
        }
    }
}
