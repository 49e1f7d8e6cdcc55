@testable import AdminAPI
@testable import Configuration
import FabricAccess
import Foundation
import Testing

/// A connection profile's inline CA reaches the TLS configuration of `FabricNetwork`.
@Suite("connection profile TLS")
struct ConnectionProfileTLSTests {
    @Test("inline PEM from a connection profile is used for TLS")
    func inlinePEM() throws {
        let pem = try String(contentsOfFile: LifecycleFixture.repoRoot.appendingPathComponent("Tests/Fixtures/crypto/ca.pem").path,
                             encoding: .utf8)
        let indented = pem.split(separator: "\n").map { "        " + $0 }.joined(separator: "\n")
        let text = """
            organizations:
              o1: {mspid: Org1MSP, peers: [p0]}
            peers:
              p0:
                url: grpcs://127.0.0.1:7051
                tlsCACerts:
                  pem: |
            \(indented)
            """
        let c = try ConnectionProfileReader.parse(text: text, file: "/p/p.yaml", checkFiles: true)
        let tls = try #require(c.peers.first?.tls)
        let config = try FabricNetwork.tlsConfiguration(tls, node: "p0")
        #expect(config.rootCertificatesPEM == [tls.rootCertPEM!])
    }
}
