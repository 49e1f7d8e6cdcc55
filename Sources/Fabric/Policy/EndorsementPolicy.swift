import FabricProtos
import Foundation

/// A chaincode endorsement policy: the content of `validation_parameter`
/// (`protos.ApplicationPolicy`, docs/fabric-notes.md §7.4).
public enum EndorsementPolicy: Sendable, Hashable, CustomStringConvertible {
    /// An explicit signature policy (peer CLI `--signature-policy`).
    case signaturePolicy(Common_SignaturePolicyEnvelope)
    /// A reference to a channel policy, e.g. `/Channel/Application/Endorsement`
    /// (peer CLI `--channel-config-policy`).
    case channelConfigPolicy(String)

    /// The peer's default when `validation_parameter` is empty.
    public static let defaultReference = "/Channel/Application/Endorsement"

    /// Compiles DSL text. Throws `PolicyParseError`.
    public static func signaturePolicy(dsl: String) throws(PolicyParseError) -> EndorsementPolicy {
        .signaturePolicy(try SignaturePolicyParser.parse(dsl))
    }

    /// Decodes serialized `ApplicationPolicy` bytes.
    public init(applicationPolicyBytes bytes: [UInt8]) throws(PolicyParseError) {
        // The decoder's error says nothing an operator can use; the thrown message does.
        guard let policy = try? Protos_ApplicationPolicy(serializedBytes: bytes) else {
            throw PolicyParseError("validation parameter is not an ApplicationPolicy")
        }
        switch policy.type {
        case .signaturePolicy(let envelope)?: self = .signaturePolicy(envelope)
        case .channelConfigPolicyReference(let reference)?: self = .channelConfigPolicy(reference)
        case nil: throw PolicyParseError("validation parameter is an empty ApplicationPolicy")
        }
    }

    /// Serialized `protos.ApplicationPolicy`: the `validation_parameter` bytes.
    public var applicationPolicyBytes: [UInt8] {
        var policy = Protos_ApplicationPolicy()
        switch self {
        case .signaturePolicy(let envelope): policy.signaturePolicy = envelope
        case .channelConfigPolicy(let reference): policy.channelConfigPolicyReference = reference
        }
        return policy.encodedBytes()
    }

    /// DSL text for signature policies, the reference path otherwise.
    public var description: String {
        switch self {
        // A description cannot throw: the placeholder says the policy has no DSL text.
        case .signaturePolicy(let envelope): (try? SignaturePolicyRenderer.render(envelope)) ?? "<unrenderable signature policy>"
        case .channelConfigPolicy(let reference): reference
        }
    }
}
