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
    /// first): the channel list's summary, without each org's transaction. `orgIndex` maps each
    /// of `channelOrgs` to its position (built once for the whole listing).
    init(variants grouped: [Variant], channelOrgs: [String], orgIndex: [String: Int], draft: ChaincodeDefinition?) {
        sequence = grouped.map(\.definition.sequence).max() ?? 0
        let top = sequence
        let sorted = grouped.filter { $0.definition.sequence == top }.enumerated()
            .sorted { ($1.element.orgs.count, $0.offset) < ($0.element.orgs.count, $1.offset) }.map(\.element)
        let (chosen, source) = Self.reference(sorted, draft: draft, sequence: top)
        (variants, reference, referenceSource) = (sorted, chosen, source)
        // Each org's (first) variant by position: 200 chaincodes x 50 orgs must not scan every
        // variant's list per org, nor hash each name more than once.
        var variantAt = [Int?](repeating: nil, count: channelOrgs.count)
        var others: [String: Int] = [:]
        for (i, v) in sorted.enumerated() {
            for msp in v.orgs {
                if let k = orgIndex[msp] {
                    if variantAt[k] == nil { variantAt[k] = i }
                } else if others[msp] == nil {
                    others[msp] = i
                }
            }
        }
        func org(_ msp: String, _ v: Int?) -> Org {
            guard let v else { return Org(mspID: msp, state: "not-approved", variant: nil, record: nil) }
            return Org(mspID: msp, state: v == chosen ? "approved" : "approved-different", variant: v, record: nil)
        }
        orgs = channelOrgs.indices.map { org(channelOrgs[$0], variantAt[$0]) } + others.keys.sorted().map { org($0, others[$0]) }
    }

    /// `orgIndex` for `init(variants:channelOrgs:orgIndex:draft:)` (MSP IDs are unique in a channel's configuration).
    static func orgIndex(_ channelOrgs: [String]) -> [String: Int] {
        Dictionary(channelOrgs.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
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
        var w = JSONWriter(reservingCapacity: 1024)
        var policyTexts: [[UInt8]: String] = [:]
        write(to: &w, policyTexts: &policyTexts)
        return .raw(w.bytes)
    }

    /// The object `json` is, written in place (the channel listing writes 200 of these).
    func write(to w: inout JSONWriter, policyTexts: inout [[UInt8]: String]) {
        w.beginObject()
        w.member("sequence", Int(sequence))
        w.member("reference", reference); w.member("referenceSource", referenceSource)
        w.key("definition")
        if let d = referenceDefinition {
            w.beginObject(); DefinitionJSON.writeFields(d, approvals: nil, to: &w, policyTexts: &policyTexts); w.endObject()
        } else {
            w.null()
        }
        w.key("orgs"); w.beginArray()
        for o in orgs {
            w.beginObject()
            w.member("mspId", o.mspID); w.member("state", o.state); w.member("variant", o.variant)
            if let r = o.record {
                w.member("packageId", r.packageID); w.member("txId", r.txID); w.member("blockNumber", Int(r.blockNumber))
            }
            w.endObject()
        }
        w.endArray()
        w.key("variants"); w.beginArray()
        for v in variants {
            w.beginObject()
            w.key("definition"); w.beginObject(); DefinitionJSON.writeFields(v.definition, approvals: nil, to: &w, policyTexts: &policyTexts); w.endObject()
            w.key("orgs"); w.beginArray(); for msp in v.orgs { w.value(msp) }; w.endArray()
            w.endObject()
        }
        w.endArray()
        w.endObject()
    }
}
