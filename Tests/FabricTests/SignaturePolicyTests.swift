import Fabric
import FabricProtos
import Testing
import TLSCrypto
import TestSupport

@Suite struct SignaturePolicyTests {
    @Test("DSL compiles to the ApplicationPolicy bytes of docs/fabric-notes.md §14", arguments: [
        ("OR('A.member', AND('B.member','C.member'))",
         "0a2d12161214080112020802120c120a080212020800120208011a0512030a01421a0512030a01431a0512030a0141"),
        ("AND('Org1MSP.member','Org2MSP.member')",
         "0a28120c120a080212020800120208011a0b12090a074f7267314d53501a0b12090a074f7267324d5350"),
        ("OR('Org1MSP.peer','Org2MSP.peer')",
         "0a2c120c120a080112020800120208011a0d120b0a074f7267314d535010031a0d120b0a074f7267324d53501003"),
    ])
    func vectors(dsl: String, hex: String) throws {
        #expect(try EndorsementPolicy.signaturePolicy(dsl: dsl).applicationPolicyBytes.hexString == hex)
    }

    @Test("the default channel policy reference encodes as in fabric-notes §14")
    func defaultReference() throws {
        let policy = EndorsementPolicy.channelConfigPolicy(EndorsementPolicy.defaultReference)
        #expect(policy.applicationPolicyBytes.hexString
            == "12202f4368616e6e656c2f4170706c69636174696f6e2f456e646f7273656d656e74")
        #expect(try EndorsementPolicy(applicationPolicyBytes: policy.applicationPolicyBytes) == policy)
    }

    @Test("nested gates get identity indices before the parent's principals")
    func identityOrder() throws {
        let envelope = try SignaturePolicyParser.parse("OR('A.member', AND('B.member','C.member'))")
        let ids = try envelope.identities.map { try Common_MSPRole(serializedBytes: $0.principal).mspIdentifier }
        #expect(ids == ["B", "C", "A"])
        #expect(envelope.rule.nOutOf.n == 1)
        #expect(envelope.rule.nOutOf.rules[0].signedBy == 2)
        #expect(envelope.rule.nOutOf.rules[1].nOutOf.n == 2)
    }

    @Test("all gate spellings, double quotes, OutOf and roles; MSP IDs split at the last dot")
    func spellings() throws {
        let a = try SignaturePolicyParser.parse("and('org.one.admin', Or(\"B-2.client\", 'C.orderer'))")
        let b = try SignaturePolicyParser.parse("AND('org.one.admin', OR('B-2.client', 'C.orderer'))")
        #expect(a == b)
        let role = try Common_MSPRole(serializedBytes: a.identities[2].principal)
        #expect(role.mspIdentifier == "org.one" && role.role == .admin)
        let outOf = try SignaturePolicyParser.parse("OUTOF(2, 'A.peer', 'B.peer', 'C.peer')")
        #expect(outOf.rule.nOutOf.n == 2 && outOf.rule.nOutOf.rules.count == 3)
        #expect(try SignaturePolicyParser.parse("outof(1, 'A.peer')") == SignaturePolicyParser.parse("OutOf(1,'A.peer')"))
    }

    @Test("rendering gives DSL text that re-parses to the same bytes", arguments: [
        "OR('A.member', AND('B.member', 'C.member'))",
        "OutOf(2, 'Org1MSP.peer', 'Org2MSP.admin', OR('Org3MSP.client', 'Org4MSP.orderer'))",
        "AND('Org1MSP.member', 'Org2MSP.member')",
    ])
    func renderRoundTrip(dsl: String) throws {
        let envelope = try SignaturePolicyParser.parse(dsl)
        let text = try SignaturePolicyRenderer.render(envelope)
        #expect(text == dsl)
        #expect(try SignaturePolicyParser.parse(text) == envelope)
        #expect(EndorsementPolicy.signaturePolicy(envelope).description == dsl)
    }

    @Test("bad policy strings give stable messages", arguments: [
        ("OR('A.member', FOO('B.member'))", "unrecognized token 'FOO' in policy string"),
        ("OR('A.Member')", "error parsing principal A.Member"),
        ("OR('A_1.member')", "error parsing principal A_1.member"),
        ("OR('member')", "error parsing principal member"),
        ("OutOf(3, 'A.member')", "invalid t-out-of-n predicate, t 3, n 1"),
        ("OutOf(-1, 'A.member')", "invalid t-out-of-n predicate, t -1, n 1"),
        ("AND()", "expected at least two arguments to NOutOf. Given 1"),
        ("'A.member'", "invalid policy string ''A.member''"),
        ("OR('A.member'", "unexpected end of policy string"),
        ("OR('A.member')) ", "unexpected ')' after the end of the policy"),
        ("OR('A.member", "unterminated string in policy string"),
        ("OutOf('A.member')", "OutOf requires a number as its first argument"),
        ("", "unexpected end of policy string"),
    ])
    func errors(dsl: String, message: String) {
        #expect(throws: PolicyParseError(message)) { try SignaturePolicyParser.parse(dsl) }
    }
}
