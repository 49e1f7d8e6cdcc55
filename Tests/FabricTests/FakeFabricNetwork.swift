import Fabric
import FabricAccess
import FabricProtos
import Foundation
import Synchronization
import TLSCrypto

/// An in-memory FabricTransport: peers endorse (after verifying the creator's signature),
/// the orderer "commits" each broadcast envelope into the next filtered block delivered to
/// every open DeliverFiltered stream. Records the order of events.
final class FakeFabricNetwork: FabricTransport {
    struct State {
        var events: [String] = []
        var streams: [AsyncThrowingStream<Protos_DeliverResponse, any Error>.Continuation] = []
        var height: UInt64 = 10
    }

    let state = Mutex(State())
    /// Peer address -> chaincode status to answer with (default 200).
    let statusByPeer: [String: Int32]
    let failingPeers: Set<String>
    let ordererStatus: Common_Status
    let validationCode: Protos_TxValidationCode
    let commitDelivered: Bool
    let deliverStatusFirst: Common_Status?

    init(statusByPeer: [String: Int32] = [:], failingPeers: Set<String> = [], ordererStatus: Common_Status = .success,
         validationCode: Protos_TxValidationCode = .valid, commitDelivered: Bool = true, deliverStatusFirst: Common_Status? = nil) {
        self.statusByPeer = statusByPeer
        self.failingPeers = failingPeers
        self.ordererStatus = ordererStatus
        self.validationCode = validationCode
        self.commitDelivered = commitDelivered
        self.deliverStatusFirst = deliverStatusFirst
    }

    var events: [String] { state.withLock { $0.events } }

    struct FakeError: Error, CustomStringConvertible {
        let description: String
    }

    func endorse(peer: FabricEndpoint, _ signed: Protos_SignedProposal, timeout: Duration?) async throws -> Protos_ProposalResponse {
        state.withLock { $0.events.append("endorse \(peer.address)") }
        if failingPeers.contains(peer.address) { throw FakeError(description: "connection refused") }
        let proposal = try Protos_Proposal(serializedBytes: signed.proposalBytes)
        let header = try Common_Header(serializedBytes: proposal.header)
        let shdr = try Common_SignatureHeader(serializedBytes: header.signatureHeader)
        let creator = try Identity(serialized: Array(shdr.creator))
        guard try creator.certificate.publicKey().isValidSignature(Array(signed.signature),
                                                                  forDigest: SHA256.hash(signed.proposalBytes)) else {
            throw FakeError(description: "access denied: signature invalid")
        }
        let payload = try Protos_ChaincodeProposalPayload(serializedBytes: proposal.payload)
        var cpp = Protos_ChaincodeProposalPayload()
        cpp.input = payload.input
        let status = statusByPeer[peer.address] ?? 200
        var action = Protos_ChaincodeAction()
        action.response.status = status
        action.response.payload = Data("result".utf8)
        var prp = Protos_ProposalResponsePayload()
        prp.proposalHash = Data(SHA256.hash(Array(header.channelHeader) + Array(header.signatureHeader)
                                            + (try cpp.serializedBytes() as [UInt8])))
        prp.extension = try action.serializedBytes()
        var response = Protos_ProposalResponse()
        response.response.status = status
        response.response.message = status >= 400 ? "chaincode error on \(peer.address)" : ""
        response.response.payload = Data("result".utf8)
        response.payload = try prp.serializedBytes()
        if status < 400 {
            response.endorsement.endorser = Data(peer.mspID.utf8)
            response.endorsement.signature = Data([1])
        }
        return response
    }

    func broadcast(orderer: FabricEndpoint, _ envelope: Common_Envelope, timeout: Duration?) async throws -> Orderer_BroadcastResponse {
        let payload = try Common_Payload(serializedBytes: envelope.payload)
        let chdr = try Common_ChannelHeader(serializedBytes: payload.header.channelHeader)
        var response = Orderer_BroadcastResponse()
        response.status = ordererStatus
        guard ordererStatus == .success else {
            response.info = "bad envelope"
            state.withLock { $0.events.append("broadcast rejected") }
            return response
        }
        state.withLock { state in
            state.events.append("broadcast \(chdr.txID.prefix(8))")
            guard commitDelivered else { return }
            state.height += 1
            var tx = Protos_FilteredTransaction()
            tx.txid = chdr.txID
            tx.txValidationCode = validationCode
            var block = Protos_FilteredBlock()
            block.number = state.height
            block.filteredTransactions = [tx]
            var message = Protos_DeliverResponse()
            message.filteredBlock = block
            for stream in state.streams { stream.yield(message) }
        }
        return response
    }

    func deliverFiltered(peer: FabricEndpoint, _ seek: Common_Envelope) -> AsyncThrowingStream<Protos_DeliverResponse, any Error> {
        let (stream, continuation) = AsyncThrowingStream.makeStream(of: Protos_DeliverResponse.self, throwing: (any Error).self)
        state.withLock { state in
            state.events.append("deliverFiltered \(peer.address)")
            var first = Protos_DeliverResponse()
            if let status = deliverStatusFirst {
                first.status = status
            } else {
                first.filteredBlock.number = state.height  // the current newest block
            }
            continuation.yield(first)
            state.streams.append(continuation)
        }
        return stream
    }

    func deliver(peer: FabricEndpoint, _ seek: Common_Envelope) -> AsyncThrowingStream<Protos_DeliverResponse, any Error> {
        AsyncThrowingStream { $0.finish(throwing: FakeError(description: "not supported")) }
    }
}
