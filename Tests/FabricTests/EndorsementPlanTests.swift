import Fabric
import FabricAccess
import FabricProtos
import Foundation
import TLSCrypto
import Testing

/// Layout choice and the discovery request's shape, without a network.
struct EndorsementPlanTests {
    static func peer(_ org: String, _ port: Int, height: UInt64 = 1) -> DiscoveredPeer {
        DiscoveredPeer(mspID: org, endpoint: "127.0.0.1:\(port)", ledgerHeight: height)
    }

    static let outOf2 = EndorsementDescriptor(
        chaincode: "cc",
        groups: ["G0": [peer("Org1MSP", 1)], "G1": [peer("Org2MSP", 2)], "G2": [peer("Org3MSP", 3)]],
        layouts: [["G0": 1, "G2": 1], ["G0": 1, "G1": 1], ["G1": 1, "G2": 1]])

    @Test("layouts with the own org come first; a failed peer moves the plan to another layout")
    func ordering() {
        let plan = EndorsementPlan(descriptor: Self.outOf2, ownOrg: "Org2MSP")
        #expect(plan.endorsers()?.map(\.mspID) == ["Org1MSP", "Org2MSP"])
        #expect(plan.endorsers(excluding: ["127.0.0.1:1"])?.map(\.mspID) == ["Org2MSP", "Org3MSP"])
        #expect(plan.endorsers(excluding: ["127.0.0.1:1", "127.0.0.1:3"]) == nil)
        #expect(plan.evaluationPeers().first?.mspID == "Org2MSP")
    }

    @Test("within a group: own org, then the highest ledger")
    func groupPreference() {
        let d = EndorsementDescriptor(chaincode: "cc", groups: ["G0": [Self.peer("Org1MSP", 1, height: 3), Self.peer("Org1MSP", 4, height: 9)]],
                                      layouts: [["G0": 1]])
        #expect(EndorsementPlan(descriptor: d, ownOrg: "Org2MSP").endorsers()?.map(\.endpoint) == ["127.0.0.1:4"])
    }

    @Test("the signed request carries the identity and the TLS hash, signed over the payload")
    func request() throws {
        let signer = try FabricFixtures.admin()
        let signed = try DiscoveryRequest.make(channel: "mychannel", queries: [.config, .endorsers(chaincodes: [ChaincodeInterestCall(name: "cc", collections: ["c"])])],
                                               signer: signer, tlsCertHash: Array(repeating: 7, count: 32))
        let request = try Discovery_Request(serializedBytes: signed.payload)
        #expect(request.authentication.clientIdentity == Data(signer.creator))
        #expect(request.authentication.clientTlsCertHash == Data(repeating: 7, count: 32))
        #expect(request.queries.map(\.channel) == ["mychannel", "mychannel"])
        #expect(request.queries[1].ccQuery.interests[0].chaincodes[0].collectionNames == ["c"])
        #expect(try signer.identity.certificate.publicKey().isValidSignature(Array(signed.signature), forDigest: SHA256.hash(Array(signed.payload))))
    }
}
