import FabricProtos
import Foundation
import SwiftProtobuf
import TLSCrypto

/// An endorsed transaction ready for ordering (protoutil/txutils.go `CreateSignedTx`; docs/fabric-notes.md §4.2-4.3).
///
/// `sign(with:)` is idempotent; `setSignature(_:)` supports offline signing of `digest`.
public struct Transaction: Sendable {
    public let transactionID: String
    public let channelID: String
    /// Serialized `common.Payload`: what gets signed.
    public let payloadBytes: [UInt8]
    /// The chaincode's response (status, message, payload) as endorsed.
    public let chaincodeResponse: Protos_Response
    public private(set) var signature: [UInt8]?
    /// Serialized creator identity of the proposal; only it may sign the envelope.
    public let creator: [UInt8]

    /// SHA-256 of `payloadBytes`.
    public var digest: [UInt8] { SHA256.hash(payloadBytes) }

    /// The chaincode's return value.
    public var result: [UInt8] { Array(chaincodeResponse.payload) }

    /// Checks the responses (every status in [200, 400), identical payloads, at least one
    /// endorsement) and assembles the transaction with the proposal's exact header bytes.
    public init(proposal: Proposal, responses: [EndorsementResponse]) throws(EndorseError) {
        let txID = proposal.transactionID
        guard let first = responses.first else {
            throw EndorseError(transactionID: txID, message: "at least one proposal response is required")
        }
        let failed = responses.filter { !$0.isSuccess }
        if !failed.isEmpty {
            throw EndorseError(transactionID: txID, message: "proposal response was not successful",
                               details: failed.map(\.failure))
        }
        let payload = first.response.payload
        let mismatched = responses.filter { $0.response.payload != payload }
        if !mismatched.isEmpty {
            throw EndorseError(transactionID: txID, message: "ProposalResponsePayloads do not match",
                               details: ([first] + mismatched).map {
                                   NodeFailure(endpoint: $0.endpoint, status: $0.response.response.status,
                                               message: "payload SHA-256 \(SHA256.hash($0.response.payload).hexString)")
                               })
        }
        let endorsements = Self.deduplicatedEndorsements(responses)
        guard !endorsements.isEmpty else {
            throw EndorseError(transactionID: txID, message: "no endorsements")
        }
        self.transactionID = txID
        self.channelID = proposal.channelID
        self.chaincodeResponse = first.response.response
        self.creator = proposal.creator
        self.payloadBytes = Self.payload(proposal: proposal, responsePayload: payload, endorsements: endorsements)
    }

    /// Signs once; a second call keeps the first signature. Throws `IdentityError` if
    /// `identity` is not the proposal's creator.
    public mutating func sign(with identity: SigningIdentity) throws {
        guard identity.creator == creator else {
            throw IdentityError("signer must be the same as the one referenced in the header")
        }
        if signature == nil { signature = try identity.sign(payloadBytes) }
    }

    public mutating func setSignature(_ signature: [UInt8]) { self.signature = signature }

    /// The signed `common.Envelope` for Broadcast. Calling this unsigned is a bug.
    public var envelope: Common_Envelope {
        guard let signature else { preconditionFailure("transaction \(transactionID) is not signed") }
        var envelope = Common_Envelope()
        envelope.payload = Data(payloadBytes)
        envelope.signature = Data(signature)
        return envelope
    }

    /// Endorsements in response order, de-duplicated by endorser bytes (first wins).
    private static func deduplicatedEndorsements(_ responses: [EndorsementResponse]) -> [Protos_Endorsement] {
        var seen = Set<Data>()
        var result: [Protos_Endorsement] = []
        for response in responses where response.response.hasEndorsement {
            let endorsement = response.response.endorsement
            if seen.insert(endorsement.endorser).inserted { result.append(endorsement) }
        }
        return result
    }

    private static func payload(proposal: Proposal, responsePayload: Data, endorsements: [Protos_Endorsement]) -> [UInt8] {
        var cpp = Protos_ChaincodeProposalPayload()  // TransientMap dropped (docs/fabric-notes.md §4.3 step 1)
        cpp.input = Data(proposal.chaincodeInput)
        var cap = Protos_ChaincodeActionPayload()
        cap.chaincodeProposalPayload = Data(cpp.encodedBytes())
        cap.action.proposalResponsePayload = responsePayload
        cap.action.endorsements = endorsements
        var action = Protos_TransactionAction()
        action.header = Data(proposal.signatureHeader)
        action.payload = Data(cap.encodedBytes())
        var tx = Protos_Transaction()
        tx.actions = [action]
        var payload = Common_Payload()
        payload.header.channelHeader = Data(proposal.channelHeader)
        payload.header.signatureHeader = Data(proposal.signatureHeader)
        payload.data = Data(tx.encodedBytes())
        return payload.encodedBytes()
    }
}
