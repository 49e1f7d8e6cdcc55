import Fabric
import FabricAccess
import Foundation
import JSON

extension DefinitionService {
    /// Commits the draft when enough orgs approved: endorsed by one peer of each approving org,
    /// submitted as the first approving org the caller may act for; waits for the commit.
    /// A definition whose approving orgs all approved it without a package is refused with 409
    /// `package_missing` unless `allowNoPackage`: committed, no peer could run the chaincode.
    /// `actor` names the caller; `mayActFor` says whether it may act for an organization.
    public func commit(channel: String, name: String, actor: String, mayActFor: (String) -> Bool, allowNoPackage: Bool = false) async throws
        -> CommitStatus {
        let draft = try await uncommittedDraft(channel: channel, name: name)
        let status = try await approvalStatus(channel: channel, name: name)
        guard status.ready else { throw Self.notReady(status.missing) }
        if status.wouldStopChaincode, !allowNoPackage { throw try await Self.wouldStop(status, draft: draft, definitions: self) }
        let approving = status.orgs.filter(\.readiness).map(\.mspID)
        guard let submitter = approving.first(where: { mayActFor($0) && network.adminClient($0) != nil }) else {
            throw LifecycleError(.forbidden, "token '\(actor)' may not act for any approving organization (\(approving.joined(separator: ", ")))")
        }
        return try await commit(try draft.definition(), channel: channel, approving: approving, submitter: submitter, by: actor)
    }

    /// The draft when it is above the committed sequence: 404 when older (`staleDraft`), 409
    /// `already_committed` at the committed sequence (Fabric only commits committed + 1, docs/fabric-notes.md §9.3).
    func uncommittedDraft(channel: String, name: String) async throws -> DefinitionDraft {
        let draft = try await currentDraft(channel: channel, name: name)
        if let committed = try await committed(channel: channel, name: name)?.definition.sequence, draft.sequence <= committed {
            guard draft.sequence == committed else { throw Self.staleDraft(draft.sequence, committed: committed) }
            throw LifecycleError(.alreadyCommitted, "sequence \(committed) of chaincode '\(name)' is already committed on channel '\(channel)'; save a new draft")
        }
        return draft
    }

    /// A retried commit that raced an earlier attempt (a client that timed out, a gateway killed
    /// after broadcasting): the peers refuse the sequence once it is committed ("requested
    /// sequence is N, but new definition must be sequence N+1", core/chaincode/lifecycle/lifecycle.go
    /// `CommitChaincodeDefinition`), or both land in one block and this one is an MVCC conflict.
    /// When the committed definition is this one, the answer is 409 `already_committed`, not the refusal.
    func landedEarlier(_ definition: ChaincodeDefinition, channel: String, refusal: NetworkError, error: any Error) async -> LifecycleError? {
        guard refusal.isRejection || (error as? CommitError)?.validationCode == .mvccReadConflict,
              let committed = try? await committed(channel: channel, name: definition.name)?.definition,
              committed.sequence == definition.sequence, ApprovalStatus.differences(definition, committed).isEmpty else { return nil }
        return LifecycleError(.alreadyCommitted, "sequence \(committed.sequence) of chaincode '\(definition.name)' is already committed "
                              + "on channel '\(channel)' (an earlier attempt landed); save a new draft")
    }

    /// The refusal of a commit that would leave every org without a package.
    static func wouldStop(_ status: ApprovalStatus, draft: DefinitionDraft, definitions: DefinitionService) async throws -> PackageMissingError {
        let committed = try await definitions.committed(channel: draft.channel, name: draft.name)?.definition.sequence ?? 0
        return PackageMissingError(action: .commit, channel: draft.channel, name: draft.name, sequence: draft.sequence,
                                   committedSequence: committed,
                                   orgs: status.orgs.filter { $0.state == "approved" }.map { ($0.mspID, nil) })
    }

    static func notReady(_ missing: [String]) -> LifecycleError {
        LifecycleError(.notReady(missing: missing),
                       "the definition is not approved by enough organizations; missing: \(missing.joined(separator: ", "))")
    }

    /// Records a `commit` operation created by `actor`, submits, and announces the outcome.
    /// `operationID` names the operation when the caller links other records to it (the
    /// auto-committer's audit entry); by default a fresh one.
    func commit(_ definition: ChaincodeDefinition, channel: String, approving: [String], submitter: String, by actor: String,
                operationID: String? = nil) async throws -> CommitStatus {
        let name = definition.name
        let input = DefinitionOperationInput(channel: channel, name: name, sequence: definition.sequence, mspId: submitter, packageId: nil)
        var op = GatewayOperation(kind: .commit, createdBy: actor, target: "\(channel)/\(name)",
                                  input: String(decoding: try JSONEncoder().encode(input), as: UTF8.self),
                                  steps: [GatewayOperation.Step(name: "commit", target: channel, state: .running,
                                                                message: "committing sequence \(definition.sequence)")])
        if let operationID { op.id = operationID }
        op.state = .running
        op = try await operations.save(op)
        do {
            let result = try await submitCommit(definition, channel: channel, approving: approving, submitter: submitter)
            (op.steps[0].state, op.steps[0].message) = (.succeeded, "committed in block \(result.blockNumber)")
            op.settle()
            op.result = Self.commitJSON(result).jsonText
            // The draft stays (hidden once committed) so the next upgrade carries its package IDs over.
            _ = await operations.record(op)
            events.publish("commit", .object([("channel", .string(channel)), ("name", .string(name)),
                                              ("sequence", .int(Int(definition.sequence))), ("result", Self.commitJSON(result))]))
            return result
        } catch {
            let e = NetworkError.classify(error, org: submitter)
            if let done = await landedEarlier(definition, channel: channel, refusal: e, error: error) {
                (op.steps[0].state, op.steps[0].message) = (.failed, done.message)
                op.settle()
                _ = await operations.record(op)
                throw done
            }
            (op.steps[0].state, op.steps[0].message, op.steps[0].detail) = (.failed, e.message, e.fabricMessage)
            op.settle()
            _ = await operations.record(op)
            throw e
        }
    }

    /// A peer of each org of the smallest set of approving orgs that satisfies the channel's
    /// LifecycleEndorsement policy endorses (each refuses unless its own org approved,
    /// docs/fabric-notes.md §9.3; Fabric's core/chaincode/lifecycle `LifecycleEndorsementPolicyAsBytes`
    /// defaults it to MAJORITY Endorsement): the submitter's org first, then orgs with a configured
    /// peer; a peer that does not answer takes its org out and another set is tried. Peers are the
    /// configured ones, else those service discovery lists, so a gateway holding one
    /// organization's identities commits too. Broadcast to the configured orderer, else
    /// discovery's; the commit is awaited on the submitter's own peer.
    private func submitCommit(_ definition: ChaincodeDefinition, channel: String, approving: [String], submitter: String) async throws
        -> CommitStatus {
        guard let client = network.adminClient(submitter) else { preconditionFailure("submitter chosen with an admin identity") }
        let config = try await channelConfiguration(channel)
        let rule = LifecyclePolicyEvaluator(policy: config.lifecycleEndorsementPolicy, orgs: config.mspIDs)
        let configured = Set(approving.filter { !(network.organization($0)?.peers.isEmpty ?? true) })
        var failed = Set<String>()
        var lastFailure: (any Error)?
        while let orgs = Self.commitEndorsingOrgs(rule: rule, approving: approving, own: submitter, configured: configured, excluding: failed) {
            let peers = try await network.peerOfEach(orgs, channel: channel)
            let unreached = Set(orgs).subtracting(peers.map(\.mspID))
            guard unreached.isEmpty else {
                failed.formUnion(unreached)
                continue
            }
            let commitPeer = peers.first { $0.mspID == submitter } ?? peers[0]
            do {
                return try await client.submit(Lifecycle.commitChaincodeDefinition(definition), channelID: channel, endorsingPeers: peers,
                                               orderer: network.orderer(channel: channel), commitPeer: commitPeer)
            } catch let e as EndorseError where e.details.contains(where: { $0.transport != nil }) {
                // A peer did not answer: its org sits out, and discovery is asked again (alive peers only).
                let down = Set(e.details.filter { $0.transport != nil }.map(\.endpoint))
                failed.formUnion(peers.filter { down.contains($0.address) }.map(\.mspID))
                network.discovery.invalidate(channel: channel)
                lastFailure = e
            }
        }
        throw lastFailure ?? NetworkError(.noPeerConfigured, "no peers configured or discovered for enough approving organizations ("
                                          + approving.joined(separator: ", ") + ") to satisfy the LifecycleEndorsement policy")
    }

    /// The orgs whose peers endorse a commit: a smallest subset of `approving` (less `failed`)
    /// that satisfies `rule`; among those of the same size, one with `own` (when `own` counts
    /// for the rule), then with the most `configured` orgs, then the first in name order.
    /// Nil when the remaining orgs cannot satisfy the rule.
    static func commitEndorsingOrgs(rule: LifecyclePolicyEvaluator, approving: [String], own: String, configured: Set<String>,
                                    excluding failed: Set<String>) -> [String]? {
        let candidates = approving.filter { !failed.contains($0) }
        func best(_ sets: [[String]]) -> [String]? {
            sets.min { a, b in
                let (ca, cb) = (a.filter(configured.contains).count, b.filter(configured.contains).count)
                return ca != cb ? ca > cb : a.lexicographicallyPrecedes(b)
            }
        }
        let hasOwn = candidates.contains(own)
        if hasOwn, rule.isSatisfied(by: [own]) { return [own] }
        let without = rule.smallestSets(approved: [], candidates: candidates)
        guard let smallest = without.first?.count else {
            // Satisfied by no org at all (an OutOf(0, ...) rule): one endorsement still makes a transaction.
            guard rule.isSatisfied(by: []), let first = hasOwn ? own : candidates.first else { return nil }
            return [first]
        }
        if hasOwn, let further = best(rule.smallestSets(approved: [own], candidates: candidates)), further.count + 1 == smallest {
            return [own] + further
        }
        return best(without)
    }

    public static func commitJSON(_ s: CommitStatus) -> JSONValue {
        .object([("txId", .string(s.transactionID)), ("blockNumber", .int(Int(s.blockNumber))), ("validationCode", .string(s.validationCode.name))])
    }
}
