import Fabric
import FabricAccess
import FabricProtos
import Foundation
import Store

/// Chaincode definitions on a channel: committed ones (from the chain), drafts (SQLite),
/// approvals and commits.
public struct DefinitionService: Sendable {
    let network: FabricNetwork
    let queue: DatabaseQueue
    let operations: OperationService
    let events: EventHub

    /// What a draft request changes; nil fields carry over (from the committed definition, or defaults).
    public struct DraftInput: Sendable {
        public var version: String?
        public var sequence: Int64?
        public var endorsementPolicy: String?
        public var collectionsJSON: [UInt8]?
        public var initRequired: Bool?
        public var endorsementPlugin: String?
        public var validationPlugin: String?
        /// MSP ID -> package ID, or nil: approve without a package (explicitly). nil map = carried
        /// over (`carriedPackages`).
        public var packageIDs: [String: String?]?
        /// nil = kept from the previous draft of the same sequence, else off.
        public var autoCommit: Bool?

        public init() {}
    }

    /// The committed definition, or nil if `name` is not defined on the channel.
    public func committed(channel: String, name: String) async throws -> CommittedChaincodeDefinition? {
        do {
            return try await network.onAnyPeer { client, peer in
                try await client.evaluate(Lifecycle.queryChaincodeDefinition(name: name), channelID: channel, on: peer,
                                          timeout: network.queryTimeout)
            }
        } catch let e as NetworkError where e.kind == .rejected(status: 404) {
            return nil // the chaincode is not defined; an unknown channel stays a 404 error
        }
    }

    /// Every committed definition on the channel with its approvals.
    public func committedList(channel: String) async throws -> [CommittedChaincodeDefinition] {
        let defs = try await network.onAnyPeer { client, peer in
            try await client.evaluate(Lifecycle.queryChaincodeDefinitions(), channelID: channel, on: peer, timeout: network.queryTimeout)
        }
        var out: [CommittedChaincodeDefinition] = []
        for d in defs { out.append(try await committed(channel: channel, name: d.name) ?? CommittedChaincodeDefinition(definition: d, approvals: [:])) }
        return out
    }

    public func draft(channel: String, name: String) async throws -> DefinitionDraft? {
        try await queue.read { try DraftRepository($0).find(channel: channel, name: name) }
    }

    /// A draft that still applies (its sequence is above the committed one), else a 404.
    func currentDraft(channel: String, name: String) async throws -> DefinitionDraft {
        guard let d = try await draft(channel: channel, name: name) else {
            throw LifecycleError.notFound("draft", "no draft definition for chaincode '\(name)' on channel '\(channel)'; PUT one first")
        }
        return d
    }

    /// The current draft when it can still be approved: 404 `draft_not_found` (as the approval
    /// status and `GET .../{name}` treat it) when the committed sequence is already above it.
    /// A draft at the committed sequence stays approvable (an org joining later, docs/fabric-notes.md §9.1 rule 5).
    func approvableDraft(channel: String, name: String) async throws -> DefinitionDraft {
        let draft = try await currentDraft(channel: channel, name: name)
        if let committed = try await committed(channel: channel, name: name)?.definition.sequence, draft.sequence < committed {
            throw Self.staleDraft(draft.sequence, committed: committed)
        }
        return draft
    }

    /// The error for a draft older than the committed definition (same words as the approval status).
    static func staleDraft(_ sequence: Int64, committed: Int64) -> LifecycleError {
        LifecycleError.notFound("draft", "the draft (sequence \(sequence)) is older than the committed definition "
                              + "(sequence \(committed)); save a new draft")
    }

    /// Creates or replaces the draft: missing sequence = committed + 1, missing fields carry
    /// over from the committed definition (upgrade) or the peer defaults, missing package IDs
    /// from the draft being edited (same sequence) or what each org approved for the committed one.
    public func saveDraft(channel: String, name: String, input: DraftInput, by actor: String) async throws -> DefinitionDraft {
        let committed = try await committed(channel: channel, name: name)?.definition
        let previous = try await draft(channel: channel, name: name)
        guard let version = input.version ?? committed?.version else {
            throw LifecycleError.invalid("version", "is required for a chaincode that is not committed yet")
        }
        var draft = DefinitionDraft(
            channel: channel, name: name, version: version, sequence: input.sequence ?? (committed?.sequence ?? 0) + 1,
            endorsementPolicy: nil, validationParameter: committed?.validationParameter ?? [],
            collections: try committed?.collections.map { try $0.serializedBytes() },
            initRequired: input.initRequired ?? committed?.initRequired ?? false,
            endorsementPlugin: input.endorsementPlugin ?? committed?.endorsementPlugin ?? "",
            validationPlugin: input.validationPlugin ?? committed?.validationPlugin ?? "",
            packages: [:], updatedAt: Timestamp.now(), updatedBy: actor)
        draft.autoCommit = input.autoCommit ?? (previous?.sequence == draft.sequence ? previous?.autoCommit ?? false : false)
        try apply(input, to: &draft, committed: committed)
        guard draft.sequence >= 1 else { throw LifecycleError.invalid("sequence", "must be at least 1") }
        do { try draft.definition().validate() } catch { throw NetworkError.classify(error) }
        draft.packages = try await packages(for: draft, input: input, committed: committed?.sequence, previous: previous)
        let saved = draft
        try await queue.write { try DraftRepository($0).save(saved) }
        return saved
    }

    /// The policy and collections of the request, over those carried from the committed definition.
    private func apply(_ input: DraftInput, to draft: inout DefinitionDraft, committed: ChaincodeDefinition?) throws {
        if let committed, !committed.validationParameter.isEmpty {
            draft.endorsementPolicy = DefinitionJSON.policyText(committed.validationParameter)
        }
        if let text = input.endorsementPolicy {
            do {
                let policy = text.hasPrefix("/") ? EndorsementPolicy.channelConfigPolicy(text) : try EndorsementPolicy.signaturePolicy(dsl: text)
                draft.endorsementPolicy = text
                draft.validationParameter = policy.applicationPolicyBytes
            } catch {
                throw LifecycleError.invalid("endorsementPolicy", "is not a valid policy: \(error.message)")
            }
        }
        if let json = input.collectionsJSON {
            do { draft.collections = try CollectionsConfig.parse(json: json).serializedBytes() } catch {
                throw LifecycleError.invalid("collections", "is not a valid collections configuration: \(error)")
            }
        }
    }

    /// The draft's packages: as requested (checked for being installed); else those of the draft
    /// being edited when it has the same sequence; else carried over from the committed sequence.
    private func packages(for draft: DefinitionDraft, input: DraftInput, committed: Int64?, previous: DefinitionDraft?) async throws
        -> [String: PackageChoice] {
        if let requested = input.packageIDs {
            return await checkInstalled(requested.mapValues { PackageChoice(packageID: $0, source: PackageSource(kind: .request)) })
        }
        if let previous, previous.sequence == draft.sequence { return previous.packages }
        guard let committed else {
            return (previous?.packages ?? [:]).mapValues { PackageChoice(packageID: $0.packageID, source: PackageSource(kind: .previousDraft, sequence: previous?.sequence)) }
        }
        return try await carriedPackages(channel: draft.channel, name: draft.name, sequence: committed, previous: previous)
    }
}
