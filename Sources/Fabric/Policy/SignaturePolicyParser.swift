import FabricProtos
import Foundation

/// Compiles Fabric's signature-policy DSL (`AND(...)`, `OR(...)`, `OutOf(n, ...)` over
/// `'<MSPID>.<role>'` principals) to a `common.SignaturePolicyEnvelope` byte-identical to
/// Fabric's common/policydsl/policyparser.go `FromString` (docs/fabric-notes.md §8).
///
/// Identity order reproduces Fabric's evaluation order: a gate's nested gates get their
/// indices first (left to right, recursively), then the gate's own principals; principals are
/// never de-duplicated.
public enum SignaturePolicyParser {
    /// Parses `text` into an envelope. Throws `PolicyParseError`.
    public static func parse(_ text: String) throws(PolicyParseError) -> Common_SignaturePolicyEnvelope {
        var tokenizer = PolicyTokenizer(text)
        let node = try PolicySyntax.parseExpression(&tokenizer)
        guard tokenizer.peek() == nil else {
            throw PolicyParseError("unexpected \(tokenizer.peek()!.display) after the end of the policy")
        }
        guard case .gate = node else { throw PolicyParseError("invalid policy string '\(text)'") }
        var identities: [Common_MSPPrincipal] = []
        let rule = try compile(node, identities: &identities)
        var envelope = Common_SignaturePolicyEnvelope()
        envelope.version = 0
        envelope.rule = rule
        envelope.identities = identities
        return envelope
    }

    private static func compile(_ node: PolicyNode, identities: inout [Common_MSPPrincipal]) throws(PolicyParseError) -> Common_SignaturePolicy {
        guard case .gate(let threshold, let items) = node else {
            preconditionFailure("compile is only called on gates")
        }
        let n = items.count
        guard threshold >= 0, threshold <= n + 1 else {
            throw PolicyParseError("invalid t-out-of-n predicate, t \(threshold), n \(n)")
        }
        // Nested gates first (govaluate evaluates function arguments before the function).
        var compiledGates: [Int: Common_SignaturePolicy] = [:]
        for (index, item) in items.enumerated() {
            if case .gate = item { compiledGates[index] = try compile(item, identities: &identities) }
        }
        var rules: [Common_SignaturePolicy] = []
        for (index, item) in items.enumerated() {
            if let gate = compiledGates[index] {
                rules.append(gate)
            } else if case .principal(let text) = item {
                identities.append(try principal(text))
                var signedBy = Common_SignaturePolicy()
                signedBy.signedBy = Int32(identities.count - 1)
                rules.append(signedBy)
            }
        }
        var gate = Common_SignaturePolicy()
        gate.nOutOf.n = Int32(threshold)
        gate.nOutOf.rules = rules
        return gate
    }

    /// `^([[:alnum:].-]+)([.])(admin|member|client|peer|orderer)$`, split at the last '.'.
    static func principal(_ text: String) throws(PolicyParseError) -> Common_MSPPrincipal {
        guard let dot = text.lastIndex(of: ".") else { throw PolicyParseError("error parsing principal \(text)") }
        let mspID = String(text[..<dot])
        let roleName = String(text[text.index(after: dot)...])
        guard !mspID.isEmpty,
              mspID.utf8.allSatisfy({ $0.isASCIIAlphanumeric || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "-") }),
              let role = PrincipalRole(rawValue: roleName) else {
            throw PolicyParseError("error parsing principal \(text)")
        }
        var mspRole = Common_MSPRole()
        mspRole.mspIdentifier = mspID
        mspRole.role = role.proto
        var principal = Common_MSPPrincipal()
        principal.principalClassification = .role
        principal.principal = Data(mspRole.encodedBytes())
        return principal
    }
}

/// The MSP roles a DSL principal can name.
public enum PrincipalRole: String, Sendable, CaseIterable {
    case member, admin, client, peer, orderer

    var proto: Common_MSPRole.MSPRoleType {
        switch self {
        case .member: .member
        case .admin: .admin
        case .client: .client
        case .peer: .peer
        case .orderer: .orderer
        }
    }

    init?(_ proto: Common_MSPRole.MSPRoleType) {
        guard let role = Self.allCases.first(where: { $0.proto == proto }) else { return nil }
        self = role
    }
}
