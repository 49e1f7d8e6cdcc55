import EventLoop
import Fabric
import FabricAccess
import JSON

/// `GET .../approvals`: which channel orgs approved the draft, and whether that is enough.
public struct ApprovalStatus: Sendable {
    struct Difference: Sendable {
        var field: String
        var expected: String
        var actual: String
        /// Set for differences that do not block readiness (a per-org package ID).
        var note: String?
    }

    struct Org: Sendable {
        var mspID: String
        var state: String
        var readiness: Bool
        var sourceKind: String
        var txID: String?
        var blockNumber: Int64?
        var differences: [Difference] = []
        /// Whether the package the org's approval names is known (from its block, the gateway's
        /// own record, or its peer), and which: nil = approved without a package.
        var packageKnown = false
        var packageID: String?

        mutating func learnPackage(_ id: String?) {
            (packageKnown, packageID) = (true, id)
        }
    }

    var sequence: Int64
    var ready: Bool
    var missing: [String]
    var policy: String
    var orgs: [Org]
    /// From the block-tracked approvals and the LifecycleEndorsement policy (nil without tracking).
    var wouldCommitNow: Bool?
    var smallestSets: [[String]]?
    /// More smallest sets exist than listed (only the first 100, in lexicographic order).
    var smallestSetsTruncated = false
    /// The last block the approval tracker processed on the channel.
    var trackedThroughBlock: UInt64?

    /// Whether some org's peers run the committed sequence today (approved it with a package);
    /// without the blocks, assumed whenever a sequence is committed.
    var runningToday = false

    /// Committing would stop a running chaincode: each org that approved the draft is known to
    /// have approved it without a package, so no peer could run the new definition. (A first
    /// definition approved without packages stops nothing: it is flagged by nothing here.)
    var wouldStopChaincode: Bool {
        let approving = orgs.filter { $0.state == "approved" }
        return runningToday && !approving.isEmpty && approving.allSatisfy { $0.packageKnown && $0.packageID == nil }
    }

    public var json: JSONValue {
        .object([
            ("sequence", .int(Int(sequence))), ("ready", .bool(ready)), ("missing", .strings(missing)),
            ("policy", .object([("text", .string(policy))])),
            ("orgs", .array(orgs.map { o in
                var source: [(String, JSONValue)] = [("kind", .string(o.sourceKind))]
                if let t = o.txID { source.append(("txId", .string(t))) }
                if let b = o.blockNumber { source.append(("blockNumber", .int(Int(b)))) }
                var f: [(String, JSONValue)] = [("mspId", .string(o.mspID)), ("state", .string(o.state)),
                                                ("readiness", .bool(o.readiness)), ("source", .object(source))]
                if o.packageKnown { f.append(("packageId", .optional(o.packageID))) }
                if !o.differences.isEmpty {
                    f.append(("differences", .array(o.differences.map {
                        var d: [(String, JSONValue)] = [("field", .string($0.field)), ("expected", .string($0.expected)), ("actual", .string($0.actual))]
                        if let note = $0.note { d.append(("note", .string(note))) }
                        return .object(d)
                    })))
                }
                return .object(f)
            })),
            ("wouldStopChaincode", .bool(wouldStopChaincode)),
        ] + trackingJSON)
    }

    private var trackingJSON: [(String, JSONValue)] {
        var f: [(String, JSONValue)] = []
        if let w = wouldCommitNow { f.append(("wouldCommitNow", .bool(w))) }
        if let sets = smallestSets { f.append(("smallestSets", .array(sets.map { .strings($0) }))) }
        if smallestSetsTruncated { f.append(("smallestSetsTruncated", .bool(true))) }
        if let b = trackedThroughBlock { f.append(("trackedThroughBlock", .int(Int(b)))) }
        return f
    }

    /// Field-level differences between the draft and what an org approved (docs/fabric-notes.md §9.2's compared fields).
    static func differences(_ expected: ChaincodeDefinition, _ actual: ChaincodeDefinition) -> [Difference] {
        var d: [Difference] = []
        func check(_ field: String, _ e: String, _ a: String) { if e != a { d.append(Difference(field: field, expected: e, actual: a)) } }
        check("version", expected.version, actual.version)
        check("endorsementPlugin", expected.endorsementPlugin.isEmpty ? "escc" : expected.endorsementPlugin,
              actual.endorsementPlugin.isEmpty ? "escc" : actual.endorsementPlugin)
        check("validationPlugin", expected.validationPlugin.isEmpty ? "vscc" : expected.validationPlugin,
              actual.validationPlugin.isEmpty ? "vscc" : actual.validationPlugin)
        check("initRequired", "\(expected.initRequired)", "\(actual.initRequired)")
        check("endorsementPolicy", DefinitionJSON.policyText(expected.validationParameter), DefinitionJSON.policyText(actual.validationParameter))
        if (expected.collections?.config ?? []) != (actual.collections?.config ?? []) {
            check("collections", DefinitionJSON.collections(expected.collections).jsonText, DefinitionJSON.collections(actual.collections).jsonText)
        }
        return d
    }

    /// The fields `differences` compares, normalized the same way, as one text: two definitions
    /// with equal fingerprints have no differences. Recorded in an approve operation's input so
    /// that a restart can tell whether the approval on the chain is this one (`OperationReconciler`).
    static func fingerprint(_ d: ChaincodeDefinition) -> String {
        JSONValue.object([
            ("version", .string(d.version)),
            ("endorsementPlugin", .string(d.endorsementPlugin.isEmpty ? "escc" : d.endorsementPlugin)),
            ("validationPlugin", .string(d.validationPlugin.isEmpty ? "vscc" : d.validationPlugin)),
            ("initRequired", .bool(d.initRequired)),
            ("endorsementPolicy", .string(DefinitionJSON.policyText(d.validationParameter))),
            ("collections", (d.collections?.config ?? []).isEmpty ? .array([]) : DefinitionJSON.collections(d.collections)),
        ]).jsonText
    }
}

extension DefinitionService {
    /// CheckCommitReadiness for every channel org (the channel configuration is fetched
    /// meanwhile); the gateway's own approval records and the block-tracked approvals in one
    /// database read; QueryApprovedChaincodeDefinition, concurrently, only for the not-ready orgs
    /// the blocks say nothing about and whose admin keys the gateway holds (to show what they
    /// approved instead). Then the tracked approvals and the LifecycleEndorsement evaluation.
    /// Without a local draft (or for `sequence`), about what the organizations approved (`statusSubject`).
    public func approvalStatus(channel: String, name: String, sequence: Int64? = nil) async throws -> ApprovalStatus {
        let draft = try await statusSubject(channel: channel, name: name, sequence: sequence)
        let definition = try draft.definition()
        async let configuration = channelConfiguration(channel)
        let readiness = try await readiness(of: definition, channel: channel, name: name)
        let config = try await configuration
        let facts = try await recordedFacts(draft: draft)
        // Asked of the peers: what the not-ready orgs approved instead, and which package a ready
        // org's approval names when neither the blocks nor the gateway's own records say.
        let unknown = config.mspIDs.filter {
            facts.tracked[$0] == nil && (!(readiness[$0] ?? false) || facts.gatewayRecords[$0] == nil)
        }
        let queried = await approvedDefinitions(channel: channel, name: name, sequence: definition.sequence, orgs: unknown)
        let orgs = config.mspIDs.map { msp in
            let ready = readiness[msp] ?? false
            var org = ApprovalStatus.Org(mspID: msp, state: ready ? "approved" : "not-approved", readiness: ready, sourceKind: "check-commit-readiness")
            if let record = facts.gatewayRecords[msp] {
                org.txID = record.txID
                org.blockNumber = record.blockNumber
                if ready { org.learnPackage(record.packageID) }
            }
            if let approved = queried[msp] {
                if ready {
                    org.learnPackage(approved.packageID)
                } else {
                    org.state = "approved-different"
                    org.sourceKind = "query-approved"
                    org.differences = ApprovalStatus.differences(definition, approved.definition)
                    org.learnPackage(approved.packageID)
                }
            }
            return org
        }
        let approvedCount = orgs.filter(\.readiness).count
        let needed = config.lifecycleEndorsingOrganizationCount ?? (config.mspIDs.count / 2 + 1)
        var status = ApprovalStatus(sequence: definition.sequence, ready: approvedCount >= needed && approvedCount > 0,
                                    missing: orgs.filter { !$0.readiness }.map(\.mspID),
                                    policy: config.lifecycleEndorsementPolicy?.description ?? "MAJORITY Endorsement", orgs: orgs)
        try applyTrackedApprovals(&status, draft: draft, config: config, facts: facts)
        return status
    }

    /// The channel configuration, from the approval tracker's cache while it runs.
    func channelConfiguration(_ channel: String) async throws -> ChannelConfiguration {
        try await network.channelConfigurations.configuration(channel) { try await network.channelConfiguration(channel) }
    }

    /// Which orgs approved exactly `definition`: CheckCommitReadiness, which only takes committed
    /// + 1, so it is asked first (one peer round trip in the usual case) and the committed
    /// definition only when it refuses: a draft at the committed sequence (an org joining later
    /// approves the committed definition) reads the committed approvals; otherwise the refusal stands.
    func readiness(of definition: ChaincodeDefinition, channel: String, name: String) async throws -> [String: Bool] {
        switch await checkCommitReadiness(definition, channel: channel) {
        case .success(let approvals):
            return approvals
        case .failure(let refusal):
            guard let committed = try await committed(channel: channel, name: name), definition.sequence <= committed.definition.sequence else {
                throw refusal
            }
            guard definition.sequence == committed.definition.sequence else {
                throw LifecycleError.notFound("draft", "the draft (sequence \(definition.sequence)) is older than the committed definition "
                                            + "(sequence \(committed.definition.sequence)); save a new draft")
            }
            return committed.approvals
        }
    }

    private func checkCommitReadiness(_ definition: ChaincodeDefinition, channel: String) async -> Result<[String: Bool], any Error> {
        do {
            return .success(try await network.onAnyPeer { client, peer in
                try await client.evaluate(Lifecycle.checkCommitReadiness(definition), channelID: channel, on: peer, timeout: network.queryTimeout)
            })
        } catch {
            return .failure(error)
        }
    }

    /// QueryApprovedChaincodeDefinition for each of `orgs` that the gateway can ask, concurrently.
    func approvedDefinitions(channel: String, name: String, sequence: Int64, orgs: [String]) async -> [String: ApprovedChaincodeDefinition] {
        let askable = orgs.filter { network.adminClient($0) != nil && network.organization($0)?.peers.first != nil }
        return await withTaskGroup(of: Keyed<ApprovedChaincodeDefinition?>.self) { group in
            for msp in askable {
                group.addTask { Keyed(msp, await approved(channel: channel, name: name, sequence: sequence, org: msp)) }
            }
            var out: [String: ApprovedChaincodeDefinition] = [:]
            for await answer in group { out[answer.key] = answer.value }
            return out
        }
    }

    /// The org's own approval at `sequence`, if the gateway can ask (admin identity) and it exists.
    func approved(channel: String, name: String, sequence: Int64, org: String) async -> ApprovedChaincodeDefinition? {
        guard let admin = network.adminClient(org), let node = network.organization(org)?.peers.first else { return nil }
        let approved = try? await admin.evaluate(Lifecycle.queryApprovedChaincodeDefinition(name: name, sequence: sequence),
                                                 channelID: channel, on: network.endpoint(node), timeout: network.queryTimeout)
        return approved?.definition.sequence == sequence ? approved : nil
    }
}
