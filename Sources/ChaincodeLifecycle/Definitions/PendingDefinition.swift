import Fabric
import JSON

/// What the organizations approved for a chaincode's next sequence, as the channel's blocks
/// show it, whether or not this gateway has a draft: the definitions approved (variants, when
/// organizations approved different contents) and each channel organization's state against
/// the reference variant (the local draft's, else the one most organizations approved).
public struct PendingDefinition: Sendable {
    public struct Variant: Sendable {
        public var definition: ChaincodeDefinition
        public var orgs: [String]
    }

    public struct Org: Sendable {
        public var mspID: String
        /// `approved` (the reference variant), `approved-different` or `not-approved`.
        public var state: String
        public var variant: Int?
        public var record: LifecycleRecord?
    }

    public var sequence: Int64
    public var variants: [Variant]
    /// Index of the variant states compare against; nil when a draft matches none.
    public var reference: Int?
    /// `draft` or `most-approved`.
    public var referenceSource: String
    public var orgs: [Org]

    /// `approvals`: each org's latest valid approval above the committed sequence (non-empty).
    init(approvals: [String: LifecycleRecord], channelOrgs: [String], draft: ChaincodeDefinition?) {
        let records = approvals.values.sorted { ($0.blockNumber, $0.txIndex) < ($1.blockNumber, $1.txIndex) }
        sequence = records.map(\.definition.sequence).max() ?? 0
        var variants: [Variant] = []
        for r in records where r.definition.sequence == sequence {
            if let i = variants.firstIndex(where: { Self.same($0.definition, r.definition) }) {
                variants[i].orgs.append(r.mspID)
            } else {
                variants.append(Variant(definition: r.definition, orgs: [r.mspID]))
            }
        }
        // Most organizations first; among equals, the first approved (stable sort).
        variants = variants.enumerated().sorted { ($1.element.orgs.count, $0.offset) < ($0.element.orgs.count, $1.offset) }.map(\.element)
        self.variants = variants
        if let draft, draft.sequence == sequence {
            reference = variants.firstIndex { Self.same($0.definition, draft) }
            referenceSource = "draft"
        } else {
            reference = variants.isEmpty ? nil : 0
            referenceSource = "most-approved"
        }
        let everyOrg = channelOrgs + approvals.keys.filter { !channelOrgs.contains($0) }.sorted()
        let (sequence, reference) = (sequence, reference)
        orgs = everyOrg.map { msp in
            guard let r = approvals[msp], r.definition.sequence == sequence,
                  let v = variants.firstIndex(where: { $0.orgs.contains(msp) }) else {
                return Org(mspID: msp, state: "not-approved", variant: nil, record: nil)
            }
            return Org(mspID: msp, state: v == reference ? "approved" : "approved-different", variant: v, record: r)
        }
    }

    /// From variants already grouped (`TrackingRepository.approvalVariants`, first approved
    /// first): the channel list's summary, without each org's transaction.
    init(variants grouped: [Variant], channelOrgs: [String], draft: ChaincodeDefinition?) {
        sequence = grouped.map(\.definition.sequence).max() ?? 0
        let top = sequence
        let sorted = grouped.filter { $0.definition.sequence == top }.enumerated()
            .sorted { ($1.element.orgs.count, $0.offset) < ($0.element.orgs.count, $1.offset) }.map(\.element)
        let (chosen, source) = Self.reference(sorted, draft: draft, sequence: top)
        (variants, reference, referenceSource) = (sorted, chosen, source)
        // Each org's variant by a dictionary: 200 chaincodes x 50 orgs must not scan every variant's list per org.
        var variantOf: [String: Int] = [:]
        for (i, v) in sorted.enumerated() { for msp in v.orgs where variantOf[msp] == nil { variantOf[msp] = i } }
        let reference = chosen
        orgs = (channelOrgs + Set(variantOf.keys).subtracting(channelOrgs).sorted()).map { msp in
            guard let v = variantOf[msp] else { return Org(mspID: msp, state: "not-approved", variant: nil, record: nil) }
            return Org(mspID: msp, state: v == reference ? "approved" : "approved-different", variant: v, record: nil)
        }
    }

    static func reference(_ variants: [Variant], draft: ChaincodeDefinition?, sequence: Int64) -> (Int?, String) {
        if let draft, draft.sequence == sequence { return (variants.firstIndex { same($0.definition, draft) }, "draft") }
        return (variants.isEmpty ? nil : 0, "most-approved")
    }

    /// The definition states compare against.
    public var referenceDefinition: ChaincodeDefinition? { reference.map { variants[$0].definition } }

    /// Equal in every field CheckCommitReadiness compares (docs/fabric-notes.md §9.2).
    static func same(_ a: ChaincodeDefinition, _ b: ChaincodeDefinition) -> Bool {
        a.sequence == b.sequence && ApprovalStatus.differences(a, b).isEmpty
    }

    public var json: JSONValue {
        .object([
            ("sequence", .int(Int(sequence))),
            ("reference", reference.map { .int($0) } ?? .null), ("referenceSource", .string(referenceSource)),
            ("definition", referenceDefinition.map { DefinitionJSON.definition($0, approvals: nil) } ?? .null),
            ("orgs", .array(orgs.map { o in
                var f: [(String, JSONValue)] = [("mspId", .string(o.mspID)), ("state", .string(o.state)),
                                                ("variant", o.variant.map { .int($0) } ?? .null)]
                if let r = o.record {
                    f += [("packageId", .optional(r.packageID)), ("txId", .string(r.txID)), ("blockNumber", .int(Int(r.blockNumber)))]
                }
                return .object(f)
            })),
            ("variants", .array(variants.map { v in
                .object([("definition", DefinitionJSON.definition(v.definition, approvals: nil)), ("orgs", .strings(v.orgs))])
            })),
        ])
    }
}
