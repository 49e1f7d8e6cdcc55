import Foundation
import Testing
@testable import Configuration
import FabricAccess
import TestSupport

/// `network.connectionProfile`: a Fabric common connection profile supplies peers, orderers and TLS.
@Suite("connection profile")
struct ConnectionProfileTests {
    static let crypto = repositoryRoot.appendingPathComponent("Tests/Fixtures/crypto").path
    static let ca = crypto + "/ca.pem"
    static let cert = crypto + "/admin-cert.pem"
    static let key = crypto + "/admin-key-pkcs8.pem"

    /// A temp dir holding `files`, removed after `body`.
    func withFiles(_ files: [String: String], _ body: (String) throws -> Void) throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("profile-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for (name, text) in files { try text.write(toFile: dir + "/" + name, atomically: true, encoding: .utf8) }
        try body(dir)
    }

    static let native = """
        network:
          organizations:
            - mspId: Org1MSP
              name: org1.example.com
              adminIdentity: {certFile: \(cert), keyFile: \(key)}
              peers:
                - {name: peer0.org1.example.com, address: "127.0.0.1:7051", tls: {rootCertFile: \(ca), serverNameOverride: peer0.org1.example.com}}
            - mspId: Org2MSP
              name: org2.example.com
              peers:
                - {name: peer0.org2.example.com, address: "127.0.0.1:9051", tls: {rootCertFile: \(ca)}}
          orderers:
            - {name: orderer.example.com, mspId: OrdererMSP, address: "127.0.0.1:7050", tls: {rootCertFile: \(ca), serverNameOverride: orderer.example.com}}
          channels:
            - name: mychannel
        """

    static let profileYAML = """
        name: test-network
        version: 1.0.0
        client: {organization: Org1}
        organizations:
          org1.example.com:
            mspid: Org1MSP
            peers: [peer0.org1.example.com]
            certificateAuthorities: [ca.org1.example.com]
          org2.example.com:
            mspid: Org2MSP
            peers: [peer0.org2.example.com]
          OrdererOrg:
            mspid: OrdererMSP
            orderers: [orderer.example.com]
        peers:
          peer0.org1.example.com:
            url: grpcs://127.0.0.1:7051
            tlsCACerts: {path: \(ca)}
            grpcOptions: {ssl-target-name-override: peer0.org1.example.com}
          peer0.org2.example.com:
            url: 127.0.0.1:9051
            tlsCACerts: {path: \(ca)}
        orderers:
          orderer.example.com:
            url: grpcs://127.0.0.1:7050
            tlsCACerts: {path: \(ca)}
            grpcOptions: {hostnameOverride: orderer.example.com}
        channels:
          mychannel:
            peers:
              peer0.org1.example.com: {}
        certificateAuthorities:
          ca.org1.example.com: {url: "https://127.0.0.1:7054"}
        """

    /// The same profile as JSON (keys sorted when written: the organizations keep their order).
    static var profileJSON: [String: Any] { [
        "name": "test-network", "version": "1.0.0",
        "organizations": [
            "OrdererOrg": ["mspid": "OrdererMSP", "orderers": ["orderer.example.com"]],
            "org1.example.com": ["mspid": "Org1MSP", "peers": ["peer0.org1.example.com"]],
            "org2.example.com": ["mspid": "Org2MSP", "peers": ["peer0.org2.example.com"]],
        ],
        "peers": [
            "peer0.org1.example.com": ["url": "grpcs://127.0.0.1:7051", "tlsCACerts": ["path": ca],
                                       "grpcOptions": ["ssl-target-name-override": "peer0.org1.example.com"]],
            "peer0.org2.example.com": ["url": "127.0.0.1:9051", "tlsCACerts": ["path": ca]],
        ],
        "orderers": ["orderer.example.com": ["url": "grpcs://127.0.0.1:7050", "tlsCACerts": ["path": ca],
                                             "grpcOptions": ["ssl-target-name-override": "orderer.example.com"]]],
        "channels": ["mychannel": ["peers": ["peer0.org1.example.com": [String: Any]()]]],
    ] }

    static let gatewayWithProfile = """
        network:
          connectionProfile: PROFILE
          organizations:
            - mspId: Org1MSP
              adminIdentity: {certFile: \(cert), keyFile: \(key)}
        """

    @Test("a YAML and a JSON profile map to the same NetworkConfig as the native format")
    func equivalent() throws {
        let native = try #require(try NetworkConfig.parse(yaml: Self.native, file: "native.yaml"))
        let json = String(decoding: try JSONSerialization.data(withJSONObject: Self.profileJSON, options: [.sortedKeys]), as: UTF8.self)
        try withFiles(["p.yaml": Self.profileYAML, "p.json": json,
                       "g1.yaml": Self.gatewayWithProfile.replacingOccurrences(of: "PROFILE", with: "p.yaml"),
                       "g2.yaml": Self.gatewayWithProfile.replacingOccurrences(of: "PROFILE", with: "p.json")]) { dir in
            let fromYAML = try NetworkConfig.load(path: dir + "/g1.yaml"), fromJSON = try NetworkConfig.load(path: dir + "/g2.yaml")
            #expect(fromYAML == native)
            #expect(fromJSON == native)
        }
    }

    @Test("errors name the profile file and the key")
    func errors() throws {
        func problem(_ text: String) -> String {
            do { _ = try ConnectionProfileReader.parse(text: text, file: "/p/p.yaml", checkFiles: false); return "no error" } catch { return "\(error)" }
        }
        let peer = "organizations:\n  o1: {mspid: A, peers: [peer0.org1.example.com]}\npeers:\n  peer0.org1.example.com:\n"
        #expect(problem(peer + "    tlsCACerts: {path: /x}\n")
            == "connection profile '/p/p.yaml': key 'peers.peer0.org1.example.com.url': is required")
        #expect(problem("organizations:\n  o1: {peers: []}\n") == "connection profile '/p/p.yaml': key 'organizations.o1.mspid': is required")
        #expect(problem(peer + "    url: grpcs://h:1\n")
            == "connection profile '/p/p.yaml': key 'peers.peer0.org1.example.com.tlsCACerts': is required for a grpcs:// url")
        #expect(problem(peer + "    url: http://h/x\n")
            == "connection profile '/p/p.yaml': key 'peers.peer0.org1.example.com.url': 'http://h/x' is not grpcs://host:port, grpc://host:port or host:port")
        #expect(problem("organizations:\n  o1: {mspid: A}\npeers:\n  stray: {url: 'h:1'}\n")
            == "connection profile '/p/p.yaml': key 'peers.stray': is not listed under any organization's 'peers'")
        #expect(problem("orderers:\n  o: {url: 'h:1'}\n")
            == "connection profile '/p/p.yaml': key 'orderers.o.mspid': is required (or list the orderer under an organization's 'orderers')")
        #expect(problem("{\"organizations\": [1") .hasPrefix("connection profile '/p/p.yaml': not valid YAML or JSON"))
        // A relative path is relative to the gateway config file.
        var missing = "no error"
        do { _ = try NetworkConfig.parse(yaml: "network:\n  connectionProfile: p.json\n", file: "/nonexistent/g.yaml") } catch { missing = "\(error)" }
        #expect(missing.hasPrefix("connection profile '/nonexistent/p.json': cannot read the file"), "\(missing)")
    }

    @Test("inline PEM (a string or a list) is carried in memory")
    func inlinePEM() throws {
        let pem = try String(contentsOfFile: Self.ca, encoding: .utf8)
        let indented = pem.split(separator: "\n").map { "        " + $0 }.joined(separator: "\n")
        let text = """
            organizations:
              o1: {mspid: Org1MSP, peers: [p0, p1]}
            peers:
              p0:
                url: grpcs://127.0.0.1:7051
                tlsCACerts:
                  pem: |
            \(indented)
              p1:
                url: grpc://127.0.0.1:8051
            """
        let c = try ConnectionProfileReader.parse(text: text, file: "/p/p.yaml", checkFiles: true)
        let tls = try #require(c.peers.first?.tls)
        #expect(tls.rootCertPEM?.trimmingCharacters(in: .whitespacesAndNewlines) == pem.trimmingCharacters(in: .whitespacesAndNewlines))
        #expect(tls.rootCertFile == "/p/p.yaml#peers.p0.tlsCACerts.pem")
        // ...and reaches the TLS configuration FabricNetwork builds for the peer.
        #expect(try FabricNetwork.tlsConfiguration(tls, node: "p0").rootCertificatesPEM == [tls.rootCertPEM!])
        #expect(c.peers[1].tls == nil && c.peers[1].address == "127.0.0.1:8051")
        let bad = text.replacingOccurrences(of: "-----BEGIN CERTIFICATE-----", with: "junk")
        #expect(throws: ConfigurationError.self) { try ConnectionProfileReader.parse(text: bad, file: "/p/p.yaml", checkFiles: true) }
    }

    @Test("the SDKs' adminPrivateKey/signedCert and client.tlsCerts are accepted as paths")
    func sdkIdentityFields() throws {
        let text = """
            client:
              tlsCerts: {client: {cert: {path: \(Self.cert)}, key: {path: \(Self.key)}}}
            organizations:
              o1:
                mspid: Org1MSP
                peers: [p0]
                adminPrivateKey: {path: \(Self.key)}
                signedCert: {path: \(Self.cert)}
            peers:
              p0: {url: "127.0.0.1:7051", tlsCACerts: {path: \(Self.ca)}}
            """
        let c = try ConnectionProfileReader.parse(text: text, file: "/p/p.yaml", checkFiles: true)
        #expect(c.organizations[0].adminIdentity == .files(certificate: Self.cert, key: Self.key))
        #expect(c.peers[0].tls?.clientCertFile == Self.cert && c.peers[0].tls?.clientKeyFile == Self.key)
        #expect(c.peers[0].tls?.rootCertFile == Self.ca && c.peers[0].tls?.rootCertPEM == nil)
        let halfIdentity = text.replacingOccurrences(of: "    signedCert: {path: \(Self.cert)}\n", with: "")
        #expect(throws: ConfigurationError.self) { try ConnectionProfileReader.parse(text: halfIdentity, file: "/p/p.yaml", checkFiles: true) }
    }
}
