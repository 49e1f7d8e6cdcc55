import Fabric
import Foundation
import JSON
import Store

/// A chaincode as the channel knows it: committed, pending (approved by some organization for
/// the next sequence), or both. Organizations' approvals made with other tools count: they are
/// read from the blocks the approval tracker recorded.
public struct ChannelChaincode: Sendable {
    public var name: String
    public var committed: CommittedChaincodeDefinition?
    public var pending: PendingDefinition?

    /// The committed definition's fields at the top (as the list always had), plus `pending`.
    public var json: JSONValue {
        var fields: [(String, JSONValue)] = [("name", .string(name))]
        if let committed, case .object(let f) = DefinitionJSON.definition(committed.definition, approvals: committed.approvals) {
            fields = f
        }
        return .object(fields + [("pending", pending?.json ?? .null)])
    }
}

extension DefinitionService {
    /// Every chaincode that is committed on the channel or appears in its lifecycle history.
    /// One peer query (QueryChaincodeDefinitions) and one database read of the state the approval
    /// tracker keeps per chaincode (migration 0007): each committed definition's approvals come
    /// from the blocks when the listener has recorded its commit (the peer is asked per chaincode
    /// only for a commit the blocks have not shown yet).
    public func channelChaincodes(channel: String) async throws -> [ChannelChaincode] {
        let definitions = try await network.onAnyPeer { client, peer in
            try await client.evaluate(Lifecycle.queryChaincodeDefinitions(), channelID: channel, on: peer, timeout: network.queryTimeout)
        }
        let (states, variants, drafts) = try await queue.read { db in
            let repo = TrackingRepository(db)
            return (try repo.chaincodeStates(channel: channel), try repo.approvalVariants(channel: channel),
                    try DraftRepository(db).drafts(channel: channel))
        }
        let orgs = try await channelConfiguration(channel).mspIDs
        var byName: [String: ChannelChaincode] = [:]
        for d in definitions {
            let committed: CommittedChaincodeDefinition?
            if let recorded = states[d.name], recorded == d.sequence {
                var approved = Set<String>()
                for v in variants.committed[d.name] ?? [] where PendingDefinition.same(v.definition, d) { approved.formUnion(v.orgs) }
                committed = CommittedChaincodeDefinition(definition: d, approvals: Dictionary(uniqueKeysWithValues: orgs.map { ($0, approved.contains($0)) }))
            } else {
                committed = try await self.committed(channel: channel, name: d.name)
            }
            byName[d.name] = ChannelChaincode(name: d.name, committed: committed)
        }
        for name in states.keys where byName[name] == nil { byName[name] = ChannelChaincode(name: name) }
        for (name, pending) in variants.pending where !pending.isEmpty {
            let draft = try drafts[name]?.definition()
            byName[name, default: ChannelChaincode(name: name)].pending = PendingDefinition(variants: pending, channelOrgs: orgs, draft: draft)
        }
        return byName.values.sorted { $0.name < $1.name }
    }

    /// What the organizations approved above the committed sequence, from the blocks; nil when nothing.
    public func pending(channel: String, name: String) async throws -> PendingDefinition? {
        let approvals = try await queue.read { try TrackingRepository($0).pendingApprovals(channel: channel, name: name) }
        guard !approvals.isEmpty else { return nil }
        let draft = try await draft(channel: channel, name: name)
        return PendingDefinition(approvals: approvals, channelOrgs: try await channelConfiguration(channel).mspIDs,
                                 draft: try draft?.definition())
    }

    /// The definition an approval status is about: the local draft (unless `sequence` names
    /// another, or it is already committed and another organization's gateway or tool has
    /// approved a newer sequence), else the pending definition the organizations approved (its
    /// reference variant), else, for `sequence` = the committed one, the committed definition.
    func statusSubject(channel: String, name: String, sequence: Int64?) async throws -> DefinitionDraft {
        let local = try await draft(channel: channel, name: name)
        if let local, local.sequence == sequence { return local }
        let pending = try await pending(channel: channel, name: name)
        // A committed draft (kept for the package carry-over) gives way to a newer pending sequence.
        if let local, sequence == nil, pending.map({ $0.sequence <= local.sequence || $0.referenceDefinition == nil }) ?? true {
            return local
        }
        if let pending, sequence == nil || pending.sequence == sequence, let definition = pending.referenceDefinition {
            return try DefinitionDraft(subject: definition, channel: channel)
        }
        if let sequence, let committed = try await committed(channel: channel, name: name)?.definition, committed.sequence == sequence {
            return try DefinitionDraft(subject: committed, channel: channel)
        }
        throw LifecycleError.notFound("draft", sequence.map { "no draft and no approval of sequence \($0) for chaincode '\(name)' on channel '\(channel)'" }
            ?? "no draft definition for chaincode '\(name)' on channel '\(channel)'; PUT one first")
    }
}

extension DefinitionDraft {
    /// A definition read from the chain, as the subject of an approval status (never saved).
    init(subject d: ChaincodeDefinition, channel: String) throws {
        self.init(channel: channel, name: d.name, version: d.version, sequence: d.sequence,
                  endorsementPolicy: d.validationParameter.isEmpty ? nil : DefinitionJSON.policyText(d.validationParameter),
                  validationParameter: d.validationParameter, collections: try d.collections.map { try $0.serializedBytes() },
                  initRequired: d.initRequired, endorsementPlugin: d.endorsementPlugin, validationPlugin: d.validationPlugin,
                  packages: [:], updatedAt: "", updatedBy: "")
    }
}
