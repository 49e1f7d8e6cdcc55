import FabricProtos

/// Renders a `common.SignaturePolicyEnvelope` back to DSL text, e.g.
/// `OR('Org1MSP.peer', AND('Org2MSP.member', 'Org3MSP.member'))`.
///
/// `n == 1` renders as `OR`, `n == count` as `AND`, anything else as `OutOf(n, ...)`.
/// Re-parsing the text of a DSL-built envelope gives the same bytes.
public enum SignaturePolicyRenderer {
    public static func render(_ envelope: Common_SignaturePolicyEnvelope) throws(PolicyParseError) -> String {
        try render(envelope.rule, envelope.identities)
    }

    private static func render(_ rule: Common_SignaturePolicy, _ identities: [Common_MSPPrincipal]) throws(PolicyParseError) -> String {
        switch rule.type {
        case .signedBy(let index)?:
            guard index >= 0, Int(index) < identities.count else {
                throw PolicyParseError("signature policy refers to identity \(index) of \(identities.count)")
            }
            return "'\(try principalText(identities[Int(index)]))'"
        case .nOutOf(let gate)?:
            var parts: [String] = []
            for sub in gate.rules { parts.append(try render(sub, identities)) }
            let list = parts.joined(separator: ", ")
            if gate.n == 1 { return "OR(\(list))" }
            if Int(gate.n) == gate.rules.count { return "AND(\(list))" }
            return "OutOf(\(gate.n), \(list))"
        case nil:
            throw PolicyParseError("signature policy has an empty rule")
        }
    }

    private static func principalText(_ principal: Common_MSPPrincipal) throws(PolicyParseError) -> String {
        // An undecodable role is thrown below as "not renderable", like any other principal.
        guard principal.principalClassification == .role,
              let role = try? Common_MSPRole(serializedBytes: principal.principal),
              let name = PrincipalRole(role.role) else {
            throw PolicyParseError("only role principals can be rendered as policy text")
        }
        return "\(role.mspIdentifier).\(name.rawValue)"
    }
}
