@testable import ChaincodeLifecycle
import Foundation
import JSON
import Testing

/// The deployment spec read from YAML and from JSON (no network).
@Suite("deployment spec", .timeLimit(.minutes(1)))
struct DeploymentSpecTests {
    static let yaml = """
        version: "2.0"                 # quoted: stays the string 2.0
        package:
          ccaas: { label: basic_2.0, address: "basic-{org}:9999" }
        endorsementPolicy: "OR('Org1MSP.member','Org2MSP.member')"
        collections: []
        initRequired: true
        orgs: [Org1MSP, Org2MSP]
        peers: all
        commit: whenReady
        init: { function: InitLedger, args: [] }
        """

    @Test("the issue's YAML example and its JSON form read the same")
    func yamlAndJSON() throws {
        let fromYAML = try DeploymentSpec.parse(Array(Self.yaml.utf8), yaml: true)
        let json = #"{"version":"2.0","package":{"ccaas":{"label":"basic_2.0","address":"basic-{org}:9999"}},"#
            + #""endorsementPolicy":"OR('Org1MSP.member','Org2MSP.member')","collections":[],"initRequired":true,"#
            + #""orgs":["Org1MSP","Org2MSP"],"peers":"all","commit":"whenReady","init":{"function":"InitLedger","args":[]}}"#
        let fromJSON = try DeploymentSpec.parse(Array(json.utf8), yaml: false)
        #expect(fromYAML == fromJSON)
        #expect(fromYAML.version == "2.0")
        #expect(fromYAML.orgs == ["Org1MSP", "Org2MSP"])
        #expect(fromYAML.peers == nil)
        #expect(fromYAML.collections == "[]", "an explicit empty list means no collections, not 'unchanged'")
        #expect(fromYAML.initCall == DeploymentSpec.Init(function: "InitLedger", args: []))
        #expect(fromYAML.package(for: "Org2MSP") == .ccaas(DeploymentSpec.CCaaS(label: "basic_2.0", address: "basic-{org}:9999")))
        // The stored form reads back as the same spec.
        #expect(try DeploymentSpec.parse(fromYAML.json.encoded(), yaml: false) == fromYAML)
    }

    @Test("a package per organization; {org} is the MSP ID without 'MSP'")
    func perOrgPackages() throws {
        let spec = try DeploymentSpec.parse(Array("""
            version: "1"
            package:
              Org1MSP: { packageId: "a:01" }
              Org2MSP: { ccaas: { label: b, address: "b-{org}:1" } }
            """.utf8), yaml: true)
        #expect(spec.package(for: "Org1MSP") == .packageID("a:01"))
        #expect(spec.package(for: "Org3MSP") == nil)
        #expect(DeploymentSpec.orgToken("Org2MSP") == "org2")
        #expect(spec.commit == .whenReady && spec.orgs == nil && !spec.initRequired)
    }

    @Test("refusals name the field", arguments: [
        ("package: { packageId: x }", "version"),
        ("version: '1'", "package"),
        ("version: '1'\npackage: { packageId: x, ccaas: {label: a, address: b} }", "package"),
        ("version: '1'\npackage: { packageId: x }\ncommit: sometimes", "commit"),
        ("version: '1'\npackage: { packageId: x }\norgs: []", "orgs"),
        ("version: '1'\npackage: { packageId: x }\ninit: { function: Init }", "init"),
        ("version: '1'\npackage: { packageId: x }\ncolor: blue", "color"),
        ("version: '1'\npackage: { ccaas: { label: a, address: 'b:1', clientKeyFile: k.pem } }", "package.ccaas.clientKeyFile"),
        ("version: [1", "spec"),
    ])
    func refusals(text: String, field: String) {
        #expect {
            _ = try DeploymentSpec.parse(Array(text.utf8), yaml: true)
        } throws: { error in
            guard let e = error as? LifecycleError, case .invalidField(let f) = e.kind else { return false }
            return f == field
        }
    }

    static let key = "-----BEGIN PRIVATE KEY-----\nTEST-ONLY-NOT-A-KEY\n-----END PRIVATE KEY-----\n"

    static func mutualTLS(key: String) throws -> DeploymentSpec {
        let json = JSONValue.object([("version", .string("1.0")), ("package", .object([("ccaas", .object([
            ("label", .string("mtls_1.0")), ("address", .string("mtls-{org}:9999")), ("tlsRequired", .bool(true)),
            ("clientAuthRequired", .bool(true)), ("rootCert", .string("ROOT")), ("clientCert", .string("CERT")), ("clientKey", .string(key)),
        ]))]))])
        return try DeploymentSpec.parse(json.encoded(), yaml: false)
    }

    @Test("a ccaas client key is kept in the record, shown redacted, and a redacted spec sent back keeps it")
    func clientKeyRedacted() throws {
        let spec = try Self.mutualTLS(key: Self.key)
        guard case .ccaas(let c)? = spec.package(for: "Org1MSP") else { Issue.record("not ccaas"); return }
        #expect(c.clientCert == "CERT" && c.clientKey == Self.key)
        let shown = String(decoding: spec.json.encoded(), as: UTF8.self)
        #expect(!shown.contains("TEST-ONLY-NOT-A-KEY") && shown.contains(#""clientKey":"<redacted>""#), "\(shown)")
        // The record (Codable) keeps the key.
        let stored = try JSONDecoder().decode(DeploymentSpec.self, from: JSONEncoder().encode(spec))
        #expect(stored == spec)
        // What GET shows, applied again, is the same spec once the recorded key is kept.
        let echoed = try DeploymentSpec.parse(spec.json.encoded(), yaml: false)
        #expect(echoed != spec)
        #expect(try echoed.keepingClientKeys(of: stored) == spec)
        // A new key replaces the recorded one; a redacted key with nothing recorded is refused.
        let other = try Self.mutualTLS(key: "OTHER")
        #expect(try other.keepingClientKeys(of: stored) == other)
        #expect {
            _ = try echoed.keepingClientKeys(of: nil)
        } throws: { error in
            guard let e = error as? LifecycleError, case .invalidField(let f) = e.kind else { return false }
            return f == "package.ccaas.clientKey" && e.message.contains("give the key's PEM")
        }
    }
}
