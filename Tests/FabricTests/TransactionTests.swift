import Fabric
import FabricProtos
import Foundation
import Testing
import TLSCrypto

@Suite struct TransactionTests {
    /// A proposal response as an endorsing peer would build it (docs/fabric-notes.md §4.1).
    static func response(for proposal: Proposal, status: Int32 = 200, result: String = "ok",
                         endorser: String = "Org1MSP", message: String = "") throws -> Protos_ProposalResponse {
        var action = Protos_ChaincodeAction()
        action.response.status = status
        action.response.payload = Data(result.utf8)
        var prp = Protos_ProposalResponsePayload()
        var cpp = Protos_ChaincodeProposalPayload()
        cpp.input = Data(proposal.chaincodeInput)
        prp.proposalHash = Data(SHA256.hash(proposal.channelHeader + proposal.signatureHeader + (try cpp.serializedBytes() as [UInt8])))
        prp.extension = try action.serializedBytes()
        var r = Protos_ProposalResponse()
        r.version = 1
        r.response.status = status
        r.response.message = message
        r.response.payload = Data(result.utf8)
        r.payload = try prp.serializedBytes()
        if status < 400 {
            r.endorsement.endorser = Data(endorser.utf8)
            r.endorsement.signature = Data([1, 2, 3])
        }
        return r
    }

    static func signedProposal() throws -> (SigningIdentity, Proposal) {
        let admin = try FabricFixtures.admin()
        var proposal = Proposal(ChaincodeInvocation(channelID: "mychannel", chaincodeName: "basic", function: "Put",
                                                    stringArguments: ["k"], transientData: ["t": [1]]),
                                creator: admin.identity)
        try proposal.sign(with: admin)
        return (admin, proposal)
    }

    @Test("assembles the envelope of fabric-notes §4.3 with the proposal's header bytes and no transient data")
    func assemble() throws {
        let (admin, proposal) = try Self.signedProposal()
        let r1 = try Self.response(for: proposal, endorser: "peer-org1")
        let r2 = try Self.response(for: proposal, endorser: "peer-org2")
        var tx = try Transaction(proposal: proposal, responses: [
            EndorsementResponse(endpoint: "p1:7051", response: r1), EndorsementResponse(endpoint: "p2:7051", response: r2),
            EndorsementResponse(endpoint: "p1b:7051", response: r1),
        ])
        #expect(tx.transactionID == proposal.transactionID)
        #expect(tx.result == Array("ok".utf8))
        try tx.sign(with: admin)
        let envelope = tx.envelope
        #expect(try admin.identity.certificate.publicKey().isValidSignature(Array(envelope.signature),
                                                                            forDigest: SHA256.hash(envelope.payload)))
        let payload = try Common_Payload(serializedBytes: envelope.payload)
        #expect(Array(payload.header.channelHeader) == proposal.channelHeader)
        #expect(Array(payload.header.signatureHeader) == proposal.signatureHeader)
        let transaction = try Protos_Transaction(serializedBytes: payload.data)
        #expect(transaction.actions.count == 1)
        #expect(Array(transaction.actions[0].header) == proposal.signatureHeader)
        let cap = try Protos_ChaincodeActionPayload(serializedBytes: transaction.actions[0].payload)
        #expect(cap.action.endorsements.map { String(decoding: $0.endorser, as: UTF8.self) } == ["peer-org1", "peer-org2"])
        #expect(cap.action.proposalResponsePayload == r1.payload)
        let cpp = try Protos_ChaincodeProposalPayload(serializedBytes: cap.chaincodeProposalPayload)
        #expect(cpp.transientMap.isEmpty && Array(cpp.input) == proposal.chaincodeInput)
        // The committer's proposal-hash recomputation must match what the endorser hashed.
        let prp = try Protos_ProposalResponsePayload(serializedBytes: cap.action.proposalResponsePayload)
        #expect(Array(prp.proposalHash) == SHA256.hash(proposal.channelHeader + Array(transaction.actions[0].header)
                                                       + Array(cap.chaincodeProposalPayload)))
    }

    @Test("failing peers, payload mismatch and missing endorsements are EndorseErrors with details")
    func failures() throws {
        let (_, proposal) = try Self.signedProposal()
        let ok = EndorsementResponse(endpoint: "p1:7051", response: try Self.response(for: proposal))
        let bad = EndorsementResponse(endpoint: "p2:7051", response: try Self.response(for: proposal, status: 500,
                                                                                       message: "chaincode failed"))
        let error = #expect(throws: EndorseError.self) { try Transaction(proposal: proposal, responses: [ok, bad]) }
        #expect(error?.transactionID == proposal.transactionID)
        #expect(error?.message == "proposal response was not successful")
        #expect(error?.details == [NodeFailure(endpoint: "p2:7051", status: 500, message: "chaincode failed")])
        #expect(error?.description == "proposal response was not successful; p2:7051: status 500: chaincode failed")

        let other = EndorsementResponse(endpoint: "p3:7051", response: try Self.response(for: proposal, result: "different"))
        let mismatch = #expect(throws: EndorseError.self) { try Transaction(proposal: proposal, responses: [ok, other]) }
        #expect(mismatch?.message == "ProposalResponsePayloads do not match")
        #expect(mismatch?.details.map(\.endpoint) == ["p1:7051", "p3:7051"])

        var unendorsed = ok
        unendorsed.response.clearEndorsement()
        #expect(throws: EndorseError(transactionID: proposal.transactionID, message: "no endorsements")) {
            try Transaction(proposal: proposal, responses: [unendorsed])
        }
        #expect(throws: EndorseError(transactionID: proposal.transactionID, message: "at least one proposal response is required")) {
            try Transaction(proposal: proposal, responses: [])
        }
    }

    @Test("block helpers read tx IDs and the TRANSACTIONS_FILTER codes")
    func blocks() throws {
        let (admin, proposal) = try Self.signedProposal()
        var tx = try Transaction(proposal: proposal, responses: [
            EndorsementResponse(endpoint: "p1", response: try Self.response(for: proposal)),
        ])
        try tx.sign(with: admin)
        var block = Common_Block()
        block.header.number = 42
        block.data.data = [try tx.envelope.serializedBytes(), try tx.envelope.serializedBytes()]
        block.metadata.metadata = [Data(), Data(), Data([0, 11]), Data()]
        let txs = try block.transactions()
        #expect(txs.map(\.transactionID) == [proposal.transactionID, proposal.transactionID])
        #expect(txs.map(\.validationCode) == [.valid, .mvccReadConflict])
        #expect(txs[1].validationCode.name == "MVCC_READ_CONFLICT")
        #expect(TxValidationCode(rawValue: 99).name == "UNKNOWN(99)")
        #expect(txs[0].channelID == "mychannel" && txs[0].headerType == 3)

        var filtered = Protos_FilteredBlock()
        filtered.number = 42
        var ftx = Protos_FilteredTransaction()
        ftx.txid = proposal.transactionID
        ftx.txValidationCode = .endorsementPolicyFailure
        filtered.filteredTransactions = [ftx]
        #expect(filtered.commitStatus(of: proposal.transactionID)
            == CommitStatus(transactionID: proposal.transactionID, validationCode: .endorsementPolicyFailure, blockNumber: 42))
        #expect(filtered.commitStatus(of: "other") == nil)
    }
}
