import FabricProtos
import Foundation
import SwiftProtobuf

/// Extracts `_lifecycle` approvals and commits from a block's endorser transactions:
/// Envelope → Payload (creator from the signature header) → Transaction → ChaincodeActionPayload
/// → ChaincodeProposalPayload → ChaincodeInvocationSpec input args `[function, args]`.
public enum LifecycleTransactionDecoder {
    public static let approve = "ApproveChaincodeDefinitionForMyOrg"
    public static let commit = "CommitChaincodeDefinition"

    /// Every approve/commit of the block, valid or not. An endorser transaction that does not
    /// decode is skipped and handed to `undecodable` with the error (the caller logs it: a
    /// lifecycle transaction missed this way would leave an approval unseen).
    public static func records(in block: Common_Block, channel: String,
                               undecodable: (BlockTransaction, any Error) -> Void) throws -> [LifecycleRecord] {
        records(in: try block.transactions(), block: block.header.number, channel: channel, undecodable: undecodable)
    }

    /// The same from a block's already split transactions.
    public static func records(in transactions: [BlockTransaction], block: UInt64, channel: String,
                               undecodable: (BlockTransaction, any Error) -> Void) -> [LifecycleRecord] {
        transactions.compactMap { tx in
            guard tx.headerType == Int32(Common_HeaderType.endorserTransaction.rawValue) else { return nil }
            do { return try record(tx, block: block, channel: channel) } catch {
                undecodable(tx, error)
                return nil
            }
        }
    }

    public static func record(_ tx: BlockTransaction, block: UInt64, channel: String) throws -> LifecycleRecord? {
        let payload = try Common_Payload(serializedBytes: tx.envelope.payload)
        let chdr = try Common_ChannelHeader(serializedBytes: payload.header.channelHeader)
        let transaction = try Protos_Transaction(serializedBytes: payload.data)
        guard let action = transaction.actions.first else { return nil }
        let actionPayload = try Protos_ChaincodeActionPayload(serializedBytes: action.payload)
        let proposalPayload = try Protos_ChaincodeProposalPayload(serializedBytes: actionPayload.chaincodeProposalPayload)
        let spec = try Protos_ChaincodeInvocationSpec(serializedBytes: proposalPayload.input).chaincodeSpec
        guard spec.chaincodeID.name == "_lifecycle", spec.input.args.count == 2 else { return nil }
        let function = String(decoding: spec.input.args[0], as: UTF8.self)
        guard function == approve || function == commit else { return nil }
        let creator = try Common_SignatureHeader(serializedBytes: action.header.isEmpty ? payload.header.signatureHeader : action.header).creator
        let mspID = try Msp_SerializedIdentity(serializedBytes: creator).mspid
        let time = Date(timeIntervalSince1970: TimeInterval(chdr.timestamp.seconds) + TimeInterval(chdr.timestamp.nanos) / 1e9)
        var record = LifecycleRecord(channel: channel, kind: .approval, definition: ChaincodeDefinition(name: "", version: "", sequence: 0),
                                     mspID: mspID, packageID: nil, txID: tx.transactionID, blockNumber: block, txIndex: tx.index,
                                     timestamp: time.formatted(.iso8601), validationCode: tx.validationCode)
        if function == approve {
            let a = try Lifecycle_ApproveChaincodeDefinitionForMyOrgArgs(serializedBytes: spec.input.args[1])
            record.definition = a.definition
            if case .localPackage(let local)? = a.source.type, !local.packageID.isEmpty { record.packageID = local.packageID }
        } else {
            let c = try Lifecycle_CommitChaincodeDefinitionArgs(serializedBytes: spec.input.args[1])
            record.kind = .commit
            record.definition = c.definition
        }
        return record
    }
}
