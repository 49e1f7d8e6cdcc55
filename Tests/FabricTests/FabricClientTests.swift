import Fabric
import FabricAccess
import FabricProtos
import Foundation
import Testing

@Suite(.timeLimit(.minutes(2))) struct FabricClientTests {
    static let peer1 = FabricEndpoint(address: "peer0.org1:7051", mspID: "Org1MSP")
    static let peer2 = FabricEndpoint(address: "peer0.org2:9051", mspID: "Org2MSP")
    static let orderer = FabricEndpoint(address: "orderer:7050", mspID: "OrdererMSP")

    static func client(_ network: FakeFabricNetwork, commitTimeout: Duration = .seconds(5)) throws -> FabricClient {
        FabricClient(transport: network, signer: try FabricFixtures.admin(),
                     timeouts: FabricTimeouts(commit: commitTimeout))
    }

    static let invocation = ChaincodeInvocation(channelID: "mychannel", chaincodeName: "basic", function: "Put",
                                                stringArguments: ["k", "v"])

    @Test("invoke: endorses on all peers, listens for the commit before broadcasting, returns VALID")
    func invoke() async throws {
        let network = FakeFabricNetwork()
        let client = try Self.client(network)
        let (result, status) = try await client.submitTransaction(Self.invocation, endorsingPeers: [Self.peer1, Self.peer2],
                                                                  orderer: Self.orderer, commitPeer: Self.peer1)
        #expect(result == Array("result".utf8))
        #expect(status.isValid && status.blockNumber == 11)
        let events = network.events
        #expect(Set(events.prefix(2)) == ["endorse peer0.org1:7051", "endorse peer0.org2:9051"])
        #expect(events[2] == "deliverFiltered peer0.org1:7051")
        #expect(events[3].hasPrefix("broadcast "))
    }

    @Test("an invalid validation code becomes a CommitError naming it")
    func invalidated() async throws {
        let client = try Self.client(FakeFabricNetwork(validationCode: .mvccReadConflict))
        let error = await #expect(throws: CommitError.self) {
            try await client.submitTransaction(Self.invocation, endorsingPeers: [Self.peer1], orderer: Self.orderer,
                                               commitPeer: Self.peer1)
        }
        #expect(error?.validationCode == .mvccReadConflict)
        #expect(error?.message.hasSuffix("invalidated with status (MVCC_READ_CONFLICT)") == true)
    }

    @Test("an orderer refusal is a SubmitError with the orderer's status and info")
    func ordererRefuses() async throws {
        let client = try Self.client(FakeFabricNetwork(ordererStatus: .badRequest))
        let error = await #expect(throws: SubmitError.self) {
            try await client.submitTransaction(Self.invocation, endorsingPeers: [Self.peer1], orderer: Self.orderer,
                                               commitPeer: Self.peer1)
        }
        #expect(error?.message == "received unsuccessful response from orderer: status=BAD_REQUEST, info=bad envelope")
    }

    @Test("peer failures and refusals are collected into one EndorseError; nothing is broadcast")
    func endorseFailures() async throws {
        let network = FakeFabricNetwork(statusByPeer: [Self.peer2.address: 500], failingPeers: ["peer9:1"])
        let client = try Self.client(network)
        let bad = FabricEndpoint(address: "peer9:1", mspID: "Org9MSP")
        let error = await #expect(throws: EndorseError.self) {
            try await client.submitTransaction(Self.invocation, endorsingPeers: [Self.peer1, Self.peer2, bad],
                                               orderer: Self.orderer, commitPeer: Self.peer1)
        }
        #expect(error?.message == "failed to collect endorsements")
        #expect(error?.details == [
            NodeFailure(endpoint: "peer9:1", status: nil, message: "connection refused", transport: .other),
            NodeFailure(endpoint: "peer0.org2:9051", status: 500, message: "chaincode error on peer0.org2:9051"),
        ])
        #expect(!network.events.contains { $0.hasPrefix("broadcast") })
    }

    @Test("no commit within the deadline is a CommitError; a deliver status before the tx too")
    func commitProblems() async throws {
        let silent = try Self.client(FakeFabricNetwork(commitDelivered: false), commitTimeout: .milliseconds(100))
        let timeout = await #expect(throws: CommitError.self) {
            try await silent.submitTransaction(Self.invocation, endorsingPeers: [Self.peer1], orderer: Self.orderer,
                                               commitPeer: Self.peer1)
        }
        #expect(timeout?.message.contains("timed out") == true)
        let forbidden = try Self.client(FakeFabricNetwork(deliverStatusFirst: .forbidden))
        let status = await #expect(throws: CommitError.self) {
            try await forbidden.submitTransaction(Self.invocation, endorsingPeers: [Self.peer1], orderer: Self.orderer,
                                                  commitPeer: Self.peer1)
        }
        #expect(status?.message == "deliver completed with status (FORBIDDEN) before txid received")
    }

    @Test("lifecycle: query decodes the peer's payload; a 404 keeps the status in the details")
    func lifecycleQuery() async throws {
        let network = FakeFabricNetwork(statusByPeer: [Self.peer2.address: 404])
        let client = try Self.client(network)
        let error = await #expect(throws: EndorseError.self) {
            try await client.evaluate(Lifecycle.queryChaincodeDefinition(name: "basic"), channelID: "mychannel", on: Self.peer2)
        }
        #expect(error?.details.first?.status == 404)
        // The fake answers "result" bytes, which are not a valid result message for this call.
        await #expect(throws: FabricProtocolError.self) {
            try await client.evaluate(Lifecycle.queryInstalledChaincode(packageID: "x"), on: Self.peer1)
        }
        let approve = try Lifecycle.approveChaincodeDefinitionForMyOrg(
            ChaincodeDefinition(name: "basic", version: "1.0", sequence: 1), packageID: "basic_1:abc")
        let status = try await client.submit(approve, channelID: "mychannel", endorsingPeers: [Self.peer1],
                                             orderer: Self.orderer, commitPeer: Self.peer1)
        #expect(status.isValid)
    }
}
