import AdminAPI
@testable import ChaincodeLifecycle
import Configuration
import Fabric
import FabricAccess
import Foundation
import TestSupport
import Testing

/// The shape a new user of Fabric's test network has: its `connection-org1.yaml` (one peer, its
/// TLS CA inline, no orderer, no client TLS certificate: the test network's peers request one
/// but do not require it) plus Org1's identities, nothing else. Discovery must supply Org2's peer
/// and the orderer, which it answers only to a client presenting a TLS certificate
/// (discovery/service.go validateStructure): the gateway's generated one.
@Suite(.serialized, .timeLimit(.minutes(3))) struct TestNetworkProfileTests {
    /// `connection-org1.yaml` as the test network's ccp-generate.sh writes it (the peer's URL is
    /// the simulator's address; its certificate names peer0.org1.example.com).
    static func connectionProfile(peer: NetworkConfig.Node) throws -> String {
        let tls = try #require(peer.tls)
        let pem = try String(contentsOfFile: tls.rootCertFile, encoding: .utf8)
        let indented = pem.split(separator: "\n").map { "          " + $0 }.joined(separator: "\n")
        return """
        ---
        name: test-network-org1
        version: 1.0.0
        client:
          organization: Org1
          connection:
            timeout:
              peer:
                endorser: '300'
        organizations:
          Org1:
            mspid: Org1MSP
            peers:
            - peer0.org1.example.com
            certificateAuthorities:
            - ca.org1.example.com
        peers:
          peer0.org1.example.com:
            url: grpcs://\(peer.address)
            tlsCACerts:
              pem: |
        \(indented)
            grpcOptions:
              ssl-target-name-override: peer0.org1.example.com
              hostnameOverride: peer0.org1.example.com
        certificateAuthorities:
          ca.org1.example.com:
            url: https://localhost:7054
            caName: ca-org1
            tlsCACerts:
              pem:
                - |
        \(indented)
            httpOptions:
              verify: false

        """
    }

    @Test("connection-org1.yaml plus Org1's identities: discovery finds Org2's peer and the orderer; an AND policy submits VALID")
    func testNetworkProfile() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("test-network-\(UUID().uuidString.prefix(8))")
        let simDir = dir.appendingPathComponent("sim")
        let sim = try await LifecycleFixture.startSimulator(simDir.path)
        defer { try? FileManager.default.removeItem(at: dir) }
        do {
            let native = try #require(try NetworkConfig.load(path: simDir.appendingPathComponent("gateway.yaml").path))
            let org1 = try #require(native.organizations.first { $0.mspID == "Org1MSP" })
            let peer = try #require(org1.peers.first)
            #expect(peer.tls?.clientCertFile == nil, "the simulator's --tls mode gives no client certificate")
            try Self.connectionProfile(peer: peer).write(to: dir.appendingPathComponent("connection-org1.yaml"), atomically: true, encoding: .utf8)
            let gatewayYAML = """
            network:
              connectionProfile: connection-org1.yaml
              organizations:
                - {mspId: Org1MSP, adminIdentity: \(ConnectionProfileSimTests.identity(org1.adminIdentity)), clientIdentity: \(ConnectionProfileSimTests.identity(org1.clientIdentity))}

            """
            let network = try #require(try NetworkConfig.parse(yaml: gatewayYAML, file: dir.appendingPathComponent("gateway.yaml").path))
            #expect(network.peers.count == 1 && network.orderers.isEmpty && network.organizations.map(\.mspID) == ["Org1MSP"])

            let script = LifecycleFixture.repoRoot.appendingPathComponent("tools/fabric-sim/tests/peer_cli_deploy.py").path
            _ = try runCommand([LifecycleFixture.python, script, simDir.path, "cc-and", "--orgs", "Org1MSP,Org2MSP",
                                "--policy", "AND('Org1MSP.peer','Org2MSP.peer')"], standardError: .capture).checked()

            let services = try await LifecycleFixture.openServices(dir.appendingPathComponent("data"), network: network)
            do {
                let lifecycle = try #require(services.lifecycle)
                #expect(lifecycle.network.generatedClientCertificateHash?.count == 32)
                let call = { (f: String, a: [String]) in
                    InvokeService.Call(function: f, arguments: a.map { Array($0.utf8) }, transient: [:], isInit: false)
                }
                let (_, status) = try await lifecycle.invocations.submit(call("CreateAsset", ["tn1", "green", "3", "ann", "7"]),
                                                                         channel: "mychannel", name: "cc-and")
                #expect(status.validationCode == .valid)
                let read = try await lifecycle.invocations.evaluate(call("ReadAsset", ["tn1"]), channel: "mychannel", name: "cc-and")
                #expect(String(decoding: read, as: UTF8.self).contains("green"))
            } catch {
                await services.close()
                throw error
            }
            await services.close()
        } catch {
            await sim.stop()
            throw error
        }
        await sim.stop()
    }
}
