@testable import AdminAPI
@testable import ChaincodeLifecycle
import Fabric
import FabricAccess
import Foundation
import GRPCClient
import Testing

@Suite("error classification and approval differences")
struct ClassificationTests {
    @Test("peer refusals keep Fabric's words; transport failures are 502/504 naming the address")
    func classify() {
        let refused = NetworkError.classify(EndorseError(transactionID: "t", message: "proposal response was not successful",
                                                         details: [NodeFailure(endpoint: "127.0.0.1:7051", status: 500, message: "chaincode definition not agreed to by this org (Org2MSP)")]),
                                            org: "Org2MSP")
        #expect(refused.httpError.status == 409 && refused.fabricMessage == "chaincode definition not agreed to by this org (Org2MSP)")
        #expect(refused.peer == "127.0.0.1:7051" && refused.org == "Org2MSP")
        let undefined = NetworkError.classify(EndorseError(transactionID: "t", message: "x",
                                                           details: [NodeFailure(endpoint: "p", status: 404, message: "namespace cc is not defined")]))
        #expect(undefined.httpError.status == 404)
        let down = NetworkError.classify(EndorseError(transactionID: "t", message: "failed to collect endorsements",
                                                      details: [NodeFailure(endpoint: "127.0.0.1:9", status: nil, message: "cannot connect to 127.0.0.1:9: Connection refused",
                                                                        transport: .unavailable)]))
        #expect(down.httpError.status == 502 && down.code == "peer_unreachable" && down.message.contains("127.0.0.1:9"))
        let slow = NetworkError.classify(EndorseError(transactionID: "t", message: "x",
                                                      details: [NodeFailure(endpoint: "p", status: nil, message: "deadline of 5s exceeded", transport: .deadlineExceeded)]))
        #expect(slow.httpError.status == 504)
        let invalid = NetworkError.classify(CommitError(transactionID: "t", message: "transaction t invalidated", validationCode: .mvccReadConflict, blockNumber: 3))
        #expect(invalid.httpError.status == 409 && invalid.httpError.details.contains { $0.0 == "validationCode" })
    }

    @Test("a transport failure keeps its kind from the gRPC error's type, not its text")
    func transportKindFromType() {
        let deadline = NodeFailure(endpoint: "p", transportError: GRPCStatusError(code: .deadlineExceeded, message: "no DEADLINE in this text"))
        #expect(deadline.transport == .deadlineExceeded)
        #expect(NetworkError.classify(EndorseError(transactionID: "t", message: "x", details: [deadline])).kind == .timeout)
        let lost = NodeFailure(endpoint: "p", transportError: GRPCConnectionError(target: "p", message: "deadline timed out (words only)"))
        #expect(NetworkError.classify(EndorseError(transactionID: "t", message: "x", details: [lost])).kind == .unreachable)
        let channel = NodeFailure(endpoint: "p", status: 500, message: "channel 'nosuch' not found")
        #expect(NetworkError.classify(EndorseError(transactionID: "t", message: "x", details: [channel])).kind == .channelNotFound)
    }

    @Test("differences name the field with what was expected and what the org approved")
    func differences() throws {
        let a = try EndorsementPolicy.signaturePolicy(dsl: "AND('A.peer','B.peer')").applicationPolicyBytes
        let b = try EndorsementPolicy.signaturePolicy(dsl: "OR('A.peer','B.peer')").applicationPolicyBytes
        let expected = ChaincodeDefinition(name: "cc", version: "2", sequence: 2, validationParameter: a)
        let actual = ChaincodeDefinition(name: "cc", version: "1", sequence: 2, endorsementPlugin: "escc", validationParameter: b)
        let d = ApprovalStatus.differences(expected, actual)
        #expect(d.map(\.field) == ["version", "endorsementPolicy"])
        #expect(d.last?.expected == "AND('A.peer', 'B.peer')" && d.last?.actual == "OR('A.peer', 'B.peer')")
        #expect(ApprovalStatus.differences(expected, expected).isEmpty)
    }
}
