import FabricProtos
import Foundation

/// A policy as defined in a channel configuration (`common.Policy`).
public enum ChannelPolicy: Sendable, Hashable, CustomStringConvertible {
    /// `ImplicitMetaPolicy`, e.g. `MAJORITY Endorsement`.
    case implicitMeta(rule: ImplicitMetaRule, subPolicy: String)
    /// An explicit signature policy.
    case signature(Common_SignaturePolicyEnvelope)
    /// Another policy type (e.g. MSP), kept by its type number.
    case other(type: Int32)

    public enum ImplicitMetaRule: String, Sendable, Hashable {
        case any = "ANY", all = "ALL", majority = "MAJORITY"
    }

    /// Decodes `common.Policy`. Throws `FabricProtocolError`.
    public init(_ policy: Common_Policy) throws {
        switch policy.type {
        case Int32(Common_Policy.PolicyType.implicitMeta.rawValue):
            let meta = try decode(Common_ImplicitMetaPolicy.self, policy.value, "implicit meta policy")
            let rule: ImplicitMetaRule = switch meta.rule {
            case .all: .all
            case .majority: .majority
            default: .any
            }
            self = .implicitMeta(rule: rule, subPolicy: meta.subPolicy)
        case Int32(Common_Policy.PolicyType.signature.rawValue):
            self = .signature(try decode(Common_SignaturePolicyEnvelope.self, policy.value, "signature policy"))
        default:
            self = .other(type: policy.type)
        }
    }

    /// `MAJORITY Endorsement`, DSL text for signature policies, or `policy type N`.
    public var description: String {
        switch self {
        case .implicitMeta(let rule, let subPolicy): "\(rule.rawValue) \(subPolicy)"
        // A description cannot throw: the placeholder says the policy has no DSL text.
        case .signature(let envelope): (try? SignaturePolicyRenderer.render(envelope)) ?? "<signature policy>"
        case .other(let type): "policy type \(type)"
        }
    }
}
