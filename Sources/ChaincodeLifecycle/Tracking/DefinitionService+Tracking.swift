import Fabric
import Foundation
import JSON

/// What the database knows about a draft's approvals, read in one transaction: the gateway's
/// own approve records, and each org's block-tracked approval (at the draft's sequence, else
/// its pending one above the committed sequence; none before the listener's first block).
struct RecordedApprovals: Sendable {
    var gatewayRecords: [String: (txID: String, blockNumber: Int64?, packageID: String?)] = [:]
    var tracked: [String: LifecycleRecord] = [:]
    var checkpoint: UInt64?
    /// Whether some org approved the sequence below the draft's with a package (its peers run
    /// the chaincode today); nil when the blocks have not been read yet.
    var runningToday: Bool?
}

extension DefinitionService {
    func recordedFacts(draft: DefinitionDraft) async throws -> RecordedApprovals {
        let (channel, name, sequence) = (draft.channel, draft.name, draft.sequence)
        return try await queue.read { db in
            var facts = RecordedApprovals()
            let repo = TrackingRepository(db)
            facts.gatewayRecords = try repo.gatewayApprovals(channel: channel, name: name, sequence: sequence)
            facts.checkpoint = try repo.checkpoint(channel: channel)
            guard facts.checkpoint != nil else { return facts }
            let below = sequence > 1 ? try repo.latestApprovals(channel: channel, name: name, sequence: sequence - 1) : [:]
            facts.runningToday = below.values.contains { $0.packageID != nil }
            facts.tracked = try repo.pendingApprovals(channel: channel, name: name)
                .merging(try repo.latestApprovals(channel: channel, name: name, sequence: sequence)) { _, latest in latest }
            return facts
        }
    }

    /// Overlays what the chain shows (approvals recorded by the block listener) on the status:
    /// each org with a valid approval at the draft's sequence gets `approved` (every compared
    /// field equal; a different package ID is only a note) or `approved-different` with the
    /// differing fields, sourced from its block. Then evaluates the LifecycleEndorsement policy.
    func applyTrackedApprovals(_ status: inout ApprovalStatus, draft: DefinitionDraft, config: ChannelConfiguration,
                               facts: RecordedApprovals) throws {
        status.runningToday = facts.runningToday ?? (draft.sequence > 1)
        guard let checkpoint = facts.checkpoint else { return }  // the listener has not processed a block yet
        let (definition, sequence) = (try draft.definition(), draft.sequence)
        for i in status.orgs.indices {
            let msp = status.orgs[i].mspID
            // No approval at all in the blocks processed so far: keep what the peers answered.
            guard let record = facts.tracked[msp] else { continue }
            var differences = ApprovalStatus.differences(definition, record.definition)
            if record.definition.sequence != sequence {
                differences.insert(.init(field: "sequence", expected: "\(sequence)", actual: "\(record.definition.sequence)"), at: 0)
            }
            status.orgs[i].state = differences.isEmpty ? "approved" : "approved-different"
            if record.definition.sequence == sequence { status.orgs[i].learnPackage(record.packageID) }
            if let expected = draft.packageIDs[msp], expected != (record.packageID ?? "") {
                differences.append(.init(field: "packageId", expected: expected, actual: record.packageID ?? "", note: "per-org, allowed"))
            }
            status.orgs[i].differences = differences
            status.orgs[i].sourceKind = "block"
            status.orgs[i].txID = record.txID
            status.orgs[i].blockNumber = Int64(record.blockNumber)
        }
        let approved = Set(status.orgs.filter { $0.state == "approved" }.map(\.mspID))
        let rule = LifecyclePolicyEvaluator(policy: config.lifecycleEndorsementPolicy, orgs: config.mspIDs)
        status.wouldCommitNow = rule.isSatisfied(by: approved)
        (status.smallestSets, status.smallestSetsTruncated) = rule.smallestSets(approved: approved, candidates: config.mspIDs, limit: 100)
        status.trackedThroughBlock = checkpoint
    }

    /// `GET .../history`: every approval and commit of the chaincode the block listener recorded.
    public func history(channel: String, name: String) async throws -> JSONValue {
        let (records, checkpoint) = try await queue.read { db in
            let repo = TrackingRepository(db)
            return (try repo.history(channel: channel, name: name), try repo.checkpoint(channel: channel))
        }
        return .object([
            ("channel", .string(channel)), ("name", .string(name)),
            ("trackedThroughBlock", checkpoint.map { .int(Int($0)) } ?? .null),
            ("items", .array(records.map(\.json))),
        ])
    }
}
