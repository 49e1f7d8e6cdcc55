// End-to-end against tools/fabric-sim over real gRPC + TLS. Needs GRPCClient (branch `grpc`):
// delete the `#if`/`#endif` lines when merging, like Sources/Fabric/Transport/GRPCChannel+FabricGRPCConnection.swift.
// Runs only when FABRIC_SIM_READY points at a running simulator's ready.json
// (`python3 tools/fabric-sim/fabric_sim.py up --orgs 2 --dir <dir>`).
#if FABRIC_GRPC_CLIENT_MERGED
import EventLoop
import Fabric
import FabricProtos
import Foundation
import GRPCClient
import Testing
import TLSCrypto

/// The simulator's ready.json, and clients wired to it.
struct FabricSim {
    struct Node: Decodable { let name: String; let mspId: String; let port: Int; let tlsRootCert: String }
    struct Org: Decodable { let mspId: String; let adminMspDir: String }
    struct Ready: Decodable { let orderer: Node; let peers: [Node]; let organizations: [Org] }

    let ready: Ready
    let loop: EventLoopThread
    let channels: [String: GRPCChannel]

    static var readyPath: String? { ProcessInfo.processInfo.environment["FABRIC_SIM_READY"] }

    init(readyPath: String) throws {
        ready = try JSONDecoder().decode(Ready.self, from: Data(contentsOf: URL(fileURLWithPath: readyPath)))
        loop = try EventLoopThread(name: "fabric-sim-e2e")
        var channels: [String: GRPCChannel] = [:]
        for node in [ready.orderer] + ready.peers {
            let root = try String(contentsOfFile: node.tlsRootCert, encoding: .utf8)
            let tls = TLSClientConfiguration(rootCertificatesPEM: [root], serverNameOverride: node.name)
            channels[node.name] = GRPCChannel(target: GRPCTarget(host: "127.0.0.1", port: node.port, tls: tls), loop: loop.loop)
        }
        self.channels = channels
    }

    func endpoint(_ node: Node) -> FabricEndpoint { FabricEndpoint(address: node.name, mspID: node.mspId) }
    var orderer: FabricEndpoint { endpoint(ready.orderer) }
    func peer(_ mspID: String) -> FabricEndpoint { endpoint(ready.peers.first { $0.mspId == mspID }!) }

    func client(_ mspID: String) throws -> FabricClient {
        let org = ready.organizations.first { $0.mspId == mspID }!
        let admin = try SigningIdentity.loadMSP(directory: org.adminMspDir, mspID: mspID)
        let channels = self.channels
        let transport = GRPCFabricTransport { endpoint in
            guard let channel = channels[endpoint.address] else { throw FabricProtocolError("unknown node \(endpoint)") }
            return channel
        }
        return FabricClient(transport: transport, signer: admin)
    }

    func close() async {
        for channel in channels.values { await channel.close() }
        loop.shutdown()
    }
}

@Suite(.enabled(if: FabricSim.readyPath != nil, "set FABRIC_SIM_READY to a running fabric-sim's ready.json"))
struct FabricSimEndToEndTests {
    /// A ccaas package built by the simulator's own packager (independent of our code).
    static func package(label: String) throws -> [UInt8] {
        let simDir = TestSupport.repoRoot.appendingPathComponent("tools/fabric-sim").path
        let script = """
        import sys; sys.path.insert(0, sys.argv[1])
        from fabsim import packages
        sys.stdout.write(packages.build(sys.argv[2], 'ccaas', [('connection.json', b'{"address":"127.0.0.1:9999"}')]).hex())
        """
        let (status, output) = try TestSupport.runPython(script, [simDir, label])
        guard status == 0 else { throw FabricProtocolError("package build failed: \(output)") }
        return [UInt8](hex: output.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    @Test("install, approve x2, check readiness, commit, query, invoke and read the channel config")
    func lifecycle() async throws {
        let sim = try FabricSim(readyPath: FabricSim.readyPath!)
        let org1 = try sim.client("Org1MSP"), org2 = try sim.client("Org2MSP")
        let p1 = sim.peer("Org1MSP"), p2 = sim.peer("Org2MSP")
        let name = "e2e\(UInt32.random(in: 0 ... .max))"
        let package = try Self.package(label: "\(name)_1")

        let installed = try await org1.evaluate(Lifecycle.installChaincode(package: package), on: p1)
        _ = try await org2.evaluate(Lifecycle.installChaincode(package: package), on: p2)
        #expect(installed.packageID == "\(name)_1:\(SHA256.hash(package).hexString)")
        let list = try await org1.evaluate(Lifecycle.queryInstalledChaincodes(), on: p1)
        #expect(list.contains { $0.packageID == installed.packageID })

        let policy = try EndorsementPolicy.signaturePolicy(dsl: "OR('Org1MSP.peer','Org2MSP.peer')")
        let definition = ChaincodeDefinition(name: name, version: "1.0", sequence: 1,
                                             validationParameter: policy.applicationPolicyBytes)
        for (client, peer) in [(org1, p1), (org2, p2)] {
            let approve = try Lifecycle.approveChaincodeDefinitionForMyOrg(definition, packageID: installed.packageID)
            let status = try await client.submit(approve, channelID: "mychannel", endorsingPeers: [peer],
                                                 orderer: sim.orderer, commitPeer: peer)
            #expect(status.isValid)
        }
        let approved = try await org1.evaluate(Lifecycle.queryApprovedChaincodeDefinition(name: name),
                                               channelID: "mychannel", on: p1)
        #expect(approved.packageID == installed.packageID && approved.definition.validationParameter == definition.validationParameter)
        let readiness = try await org1.evaluate(Lifecycle.checkCommitReadiness(definition), channelID: "mychannel", on: p2)
        #expect(readiness == ["Org1MSP": true, "Org2MSP": true])
        let committed = try await org1.submit(Lifecycle.commitChaincodeDefinition(definition), channelID: "mychannel",
                                              endorsingPeers: [p1, p2], orderer: sim.orderer, commitPeer: p1)
        #expect(committed.isValid)
        let queried = try await org2.evaluate(Lifecycle.queryChaincodeDefinition(name: name), channelID: "mychannel", on: p2)
        #expect(queried.definition.sequence == 1 && queried.approvals == ["Org1MSP": true, "Org2MSP": true])
        #expect(try queried.definition.endorsementPolicy()?.description == "OR('Org1MSP.peer', 'Org2MSP.peer')")

        let create = ChaincodeInvocation(channelID: "mychannel", chaincodeName: name, function: "CreateAsset",
                                         stringArguments: ["a1", "blue", "5", "Tom", "100"])
        let (_, status) = try await org1.submitTransaction(create, endorsingPeers: [p1], orderer: sim.orderer, commitPeer: p2)
        #expect(status.isValid)
        let read = try await org2.evaluate(
            org2.proposal(ChaincodeInvocation(channelID: "mychannel", chaincodeName: name, function: "ReadAsset",
                                              stringArguments: ["a1"])), on: p2)
        #expect(String(decoding: read.payload, as: UTF8.self).contains("\"Owner\":\"Tom\""))

        // Peer-side rule errors come back with the peer's status and message.
        let again = try Lifecycle.commitChaincodeDefinition(definition)
        let error = await #expect(throws: EndorseError.self) {
            try await org1.submit(again, channelID: "mychannel", endorsingPeers: [p1], orderer: sim.orderer, commitPeer: p1)
        }
        #expect(error?.details.first?.message.contains("requested sequence is 1, but new definition must be sequence 2") == true)

        let config = try await org1.channelConfiguration(channelID: "mychannel", from: p1)
        #expect(config.mspIDs == ["Org1MSP", "Org2MSP"])
        #expect(config.lifecycleEndorsementPolicy?.description == "MAJORITY Endorsement")
        await sim.close()
    }
}
#endif
