// End-to-end against tools/fabric-sim over real gRPC + TLS (see FabricSim.swift).
import Fabric
import FabricProtos
import Foundation
import Testing
import TLSCrypto
import TestSupport

@Suite(.enabled(if: FabricSim.isAvailable, "tools/fabric-sim is not in this tree"), .serialized, .timeLimit(.minutes(5)))
struct FabricSimEndToEndTests {
    /// A ccaas package built by the simulator's own packager (independent of our code).
    static func package(label: String) throws -> [UInt8] {
        let simDir = FabricFixtures.repoRoot.appendingPathComponent("tools/fabric-sim").path
        let script = """
        import sys; sys.path.insert(0, sys.argv[1])
        from fabsim import packages
        sys.stdout.write(packages.build(sys.argv[2], 'ccaas', [('connection.json', b'{"address":"127.0.0.1:9999"}')]).hex())
        """
        let (status, output) = try FabricFixtures.runPython(script, [simDir, label])
        guard status == 0 else { throw FabricProtocolError("package build failed: \(output)") }
        return [UInt8](hex: output.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    @Test("install, approve x2, check readiness, commit, query, invoke and read the channel config",
          .timeLimit(.minutes(2)))
    func lifecycle() async throws {
        let sim = try await FabricSim.start()
        do {
            try await Self.deploy(sim)
        } catch {
            await sim.stop()
            throw error
        }
        await sim.stop()
    }

    @Test("under mutual TLS the seek envelopes carry the client TLS cert hash", .timeLimit(.minutes(2)))
    func mutualTLS() async throws {
        let sim = try await FabricSim.start(arguments: ["--mutual-tls"])
        do {
            let org1 = try sim.client("Org1MSP")
            let config = try await org1.channelConfiguration(channelID: "mychannel", from: sim.peer("Org1MSP"))
            #expect(config.mspIDs == ["Org1MSP", "Org2MSP"])
            var unbound = org1
            unbound.tlsCertificateHash = nil
            await #expect(throws: DeliverStatusError.self) {
                try await unbound.fetchBlock(channelID: "mychannel", position: .newest, from: sim.peer("Org1MSP"))
            }
        } catch {
            await sim.stop()
            throw error
        }
        await sim.stop()
    }

    static func deploy(_ sim: FabricSim) async throws {
        let org1 = try sim.client("Org1MSP"), org2 = try sim.client("Org2MSP")
        let p1 = sim.peer("Org1MSP"), p2 = sim.peer("Org2MSP")
        let name = "basic"
        let package = try Self.package(label: "\(name)_1")

        let installed = try await org1.evaluate(Lifecycle.installChaincode(package: package), on: p1)
        _ = try await org2.evaluate(Lifecycle.installChaincode(package: package), on: p2)
        #expect(installed.packageID == "\(name)_1:\(SHA256.hash(package).hexString)")
        let list = try await org1.evaluate(Lifecycle.queryInstalledChaincodes(), on: p1)
        #expect(list.map(\.packageID) == [installed.packageID])

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
        #expect(approved.packageID == installed.packageID)
        #expect(approved.definition.validationParameter == definition.validationParameter)
        let readiness = try await org1.evaluate(Lifecycle.checkCommitReadiness(definition), channelID: "mychannel", on: p2)
        #expect(readiness == ["Org1MSP": true, "Org2MSP": true])
        let committed = try await org1.submit(Lifecycle.commitChaincodeDefinition(definition), channelID: "mychannel",
                                              endorsingPeers: [p1, p2], orderer: sim.orderer, commitPeer: p1)
        #expect(committed.isValid)
        // Asked on p1, the peer whose commit event was awaited: p2 may not have the block yet (peers
        // commit independently, as gossip does in Fabric).
        let queried = try await org2.evaluate(Lifecycle.queryChaincodeDefinition(name: name), channelID: "mychannel", on: p1)
        #expect(queried.definition.sequence == 1 && queried.approvals == ["Org1MSP": true, "Org2MSP": true])
        #expect(try queried.definition.endorsementPolicy()?.description == "OR('Org1MSP.peer', 'Org2MSP.peer')")
        let all = try await org2.evaluate(Lifecycle.queryChaincodeDefinitions(), channelID: "mychannel", on: p1)
        #expect(all.map(\.name) == [name])

        let create = ChaincodeInvocation(channelID: "mychannel", chaincodeName: name, function: "CreateAsset",
                                         stringArguments: ["a1", "blue", "5", "Tom", "100"])
        let (_, status) = try await org1.submitTransaction(create, endorsingPeers: [p1], orderer: sim.orderer, commitPeer: p2)
        #expect(status.isValid)
        let read = try await org2.evaluate(
            org2.proposal(ChaincodeInvocation(channelID: "mychannel", chaincodeName: name, function: "ReadAsset",
                                              stringArguments: ["a1"])), on: p2)
        #expect(String(decoding: read.payload, as: UTF8.self).contains("\"Owner\":\"Tom\""))

        // Peer-side rule errors come back with the peer's status and message.
        let error = await #expect(throws: EndorseError.self) {
            try await org1.submit(Lifecycle.commitChaincodeDefinition(definition), channelID: "mychannel",
                                  endorsingPeers: [p1], orderer: sim.orderer, commitPeer: p1)
        }
        #expect(error?.details.first?.status == 500)
        #expect(error?.details.first?.message.contains("requested sequence is 1, but new definition must be sequence 2") == true)
        let missing = await #expect(throws: EndorseError.self) {
            try await org1.evaluate(Lifecycle.queryChaincodeDefinition(name: "nope"), channelID: "mychannel", on: p1)
        }
        #expect(missing?.details.first == NodeFailure(endpoint: p1.address, status: 404, message: "namespace nope is not defined"))

        let config = try await org1.channelConfiguration(channelID: "mychannel", from: p1)
        #expect(config.mspIDs == ["Org1MSP", "Org2MSP"])
        #expect(config.lifecycleEndorsementPolicy?.description == "MAJORITY Endorsement")
        #expect(config.lifecycleEndorsingOrganizationCount == 2)
    }
}
