import Fabric
import FabricProtos
import Foundation
import JSON
import SwiftProtobuf

/// The definition being prepared for the next sequence of a chaincode on a channel
/// (`definition_drafts`). It holds wire bytes (policy, collections) so that what every org
/// approves is byte-identical, plus the policy text for display.
public struct DefinitionDraft: Sendable, Equatable {
    public var channel: String
    public var name: String
    public var version: String
    public var sequence: Int64
    /// DSL or channel policy reference; nil = the channel default.
    public var endorsementPolicy: String?
    public var validationParameter: [UInt8]
    public var collections: [UInt8]?
    public var initRequired: Bool
    public var endorsementPlugin: String
    public var validationPlugin: String
    /// MSP ID -> the package its peers are to run (or explicitly none) and where that came from.
    public var packages: [String: PackageChoice]
    public var updatedAt: String
    public var updatedBy: String
    /// Commit without a commit call once the approvals make this draft ready (`AutoCommitter`).
    public var autoCommit = false
    /// Why the last auto-commit attempt could not commit; nil = nothing to report.
    public var autoCommitNote: String?

    /// MSP ID -> package ID, for the orgs that have one.
    public var packageIDs: [String: String] { packages.compactMapValues(\.packageID) }

    /// The orgs whose draft says explicitly: approve without a package.
    public var withoutPackage: [String] { packages.filter { $0.value.packageID == nil }.keys.sorted() }

    /// The definition every org approves.
    public func definition() throws -> ChaincodeDefinition {
        ChaincodeDefinition(name: name, version: version, sequence: sequence, endorsementPlugin: endorsementPlugin,
                            validationPlugin: validationPlugin, validationParameter: validationParameter,
                            collections: try collections.map { try Protos_CollectionConfigPackage(serializedBytes: $0) },
                            initRequired: initRequired)
    }

    /// The API representation. A draft's collections were decoded when it was built from a
    /// request (`CollectionsConfig.parse`) or read (`DraftRepository` refuses a corrupt column),
    /// so `definition()` cannot fail here; were it to, `collections` renders empty rather than
    /// failing a read-only view.
    public var json: JSONValue {
        let def = try? definition()
        return .object([
            ("channel", .string(channel)), ("name", .string(name)), ("version", .string(version)), ("sequence", .int(Int(sequence))),
            ("endorsementPolicy", .object([("text", .string(endorsementPolicy ?? EndorsementPolicy.defaultReference))])),
            ("collections", DefinitionJSON.collections(def?.collections)), ("initRequired", .bool(initRequired)),
            ("endorsementPlugin", .string(endorsementPlugin)), ("validationPlugin", .string(validationPlugin)),
            ("packageIds", .object(packages.sorted { $0.key < $1.key }.map { ($0.key, .optional($0.value.packageID)) })),
            ("packageSources", .object(packages.sorted { $0.key < $1.key }.map { ($0.key, $0.value.source.json) })),
            ("updatedAt", .string(updatedAt)), ("updatedBy", .string(updatedBy)),
            ("autoCommit", .bool(autoCommit)), ("autoCommitNote", .optional(autoCommitNote)),
        ])
    }
}

/// JSON renderings shared by drafts and committed definitions.
public enum DefinitionJSON {
    static func policyText(_ validationParameter: [UInt8]) -> String {
        guard !validationParameter.isEmpty else { return EndorsementPolicy.defaultReference }
        // A read-only view: the explicit placeholder says what could not be shown.
        return (try? EndorsementPolicy(applicationPolicyBytes: validationParameter).description) ?? "<undecodable policy>"
    }

    static func collections(_ package: Protos_CollectionConfigPackage?) -> JSONValue {
        .array((package?.config ?? []).map { c in
            let s = c.staticCollectionConfig
            return .object([
                ("name", .string(s.name)),
                // "" = no signature policy text (unset, or not role principals): a read-only view.
                ("policy", .string((try? SignaturePolicyRenderer.render(s.memberOrgsPolicy.signaturePolicy)) ?? "")),
                ("requiredPeerCount", .int(Int(s.requiredPeerCount))), ("maxPeerCount", .int(Int(s.maximumPeerCount))),
                ("blockToLive", .int(Int(s.blockToLive))), ("memberOnlyRead", .bool(s.memberOnlyRead)),
                ("memberOnlyWrite", .bool(s.memberOnlyWrite)),
            ])
        })
    }

    public static func definition(_ d: ChaincodeDefinition, approvals: [String: Bool]?) -> JSONValue {
        var w = JSONWriter()
        w.beginObject()
        writeFields(d, approvals: approvals, to: &w)
        w.endObject()
        return .raw(w.bytes)
    }

    /// A definition's members (inside an object the caller opened), written in place: the
    /// channel listing writes ~600 of these per request. `policyTexts` memoizes the decoded
    /// endorsement policy by its bytes across one document (most definitions share a few).
    static func writeFields(_ d: ChaincodeDefinition, approvals: [String: Bool]?, to w: inout JSONWriter,
                            policyTexts: inout [[UInt8]: String]) {
        w.member("name", d.name); w.member("version", d.version); w.member("sequence", Int(d.sequence))
        let text: String
        if let known = policyTexts[d.validationParameter] {
            text = known
        } else {
            text = policyText(d.validationParameter)
            policyTexts[d.validationParameter] = text
        }
        w.key("endorsementPolicy"); w.beginObject(); w.member("text", text); w.endObject()
        w.member("validationPlugin", d.validationPlugin); w.member("endorsementPlugin", d.endorsementPlugin)
        w.member("initRequired", d.initRequired)
        w.key("collections")
        if (d.collections?.config ?? []).isEmpty { w.beginArray(); w.endArray() } else { w.value(collections(d.collections)) }
        if let approvals {
            w.key("approvals"); w.beginObject()
            for (msp, approved) in approvals.sorted(by: { $0.key < $1.key }) { w.member(msp, approved) }
            w.endObject()
        }
    }

    static func writeFields(_ d: ChaincodeDefinition, approvals: [String: Bool]?, to w: inout JSONWriter) {
        var policyTexts: [[UInt8]: String] = [:]
        writeFields(d, approvals: approvals, to: &w, policyTexts: &policyTexts)
    }
}
