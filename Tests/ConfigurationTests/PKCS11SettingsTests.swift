import Configuration
import Foundation
import Testing
import TestSupport

/// `pkcs11:` identities: the typed model, PIN references (never a PIN in clear), and errors that
/// name the key and never echo a value that may be the PIN.
@Suite("PKCS#11 identity settings", .timeLimit(.minutes(1)))
struct PKCS11SettingsTests {
    /// An org whose admin identity is `identity` (YAML flow mapping); /etc/hostname stands for files that exist.
    static func yaml(_ identity: String) -> String {
        "network:\n  organizations:\n  - mspId: Org1MSP\n    adminIdentity: \(identity)\n"
    }

    static func problem(_ identity: String) -> String {
        do { _ = try NetworkConfig.parse(yaml: yaml(identity), file: "/etc/g.yaml"); return "no error" } catch { return "\(error)" }
    }

    @Test("certFile + pkcs11 {library, label, pin: env:, keyLabel | keyId} parse into the typed model")
    func parses() throws {
        let c = try #require(try NetworkConfig.parse(yaml: Self.yaml(
            "{certFile: /etc/hostname, pkcs11: {library: /etc/hostname, label: org1, pin: 'env:ORG1_HSM_PIN', keyLabel: admin, keyId: '0A:1b'}}"),
            file: "g.yaml"))
        #expect(c.organizations[0].adminIdentity == .pkcs11(certificate: "/etc/hostname", PKCS11Settings(
            library: "/etc/hostname", tokenLabel: "org1", pin: .environment("ORG1_HSM_PIN"), keyLabel: "admin", keyID: [0x0a, 0x1b])))
        let byID = try #require(try NetworkConfig.parse(yaml: Self.yaml(
            "{certFile: /etc/hostname, pkcs11: {library: /etc/hostname, label: org1, pin: 'file:/run/secrets/pin', keyId: 0xff01}}"),
            file: "g.yaml"))
        guard case .pkcs11(_, let settings) = byID.organizations[0].adminIdentity else { Issue.record("not pkcs11"); return }
        #expect(settings.pin == .file("/run/secrets/pin") && settings.keyLabel == nil && settings.keyID == [0xff, 0x01])
    }

    @Test("a PIN in clear, no key label or ID, a bad ID, keyFile with pkcs11, a missing library: errors name the key")
    func errors() {
        let prefix = "config file '/etc/g.yaml': key 'network.organizations[0].adminIdentity"
        let clear = Self.problem("{certFile: /etc/hostname, pkcs11: {library: /etc/hostname, label: t, pin: '123456', keyLabel: a}}")
        #expect(clear == prefix + ".pkcs11.pin': must be 'env:NAME' or 'file:PATH': a PIN is never written in the configuration")
        #expect(!clear.contains("123456"))
        #expect(Self.problem("{certFile: /etc/hostname, pkcs11: {library: /etc/hostname, label: t, pin: 'env:P'}}")
                == prefix + ".pkcs11': needs 'keyLabel' or 'keyId'")
        #expect(Self.problem("{certFile: /etc/hostname, pkcs11: {library: /etc/hostname, label: t, pin: 'env:P', keyId: 'xyz'}}")
                == prefix + ".pkcs11.keyId': 'xyz' is not hexadecimal bytes")
        #expect(Self.problem("{certFile: /etc/hostname, keyFile: /etc/hostname, pkcs11: {library: /etc/hostname, label: t, pin: 'env:P', keyId: '01'}}")
                == prefix + "': 'keyFile' and 'pkcs11' exclude each other")
        #expect(Self.problem("{certFile: /etc/hostname, pkcs11: {library: /nonexistent/lib.so, label: t, pin: 'env:P', keyId: '01'}}")
                == prefix + ".pkcs11.library': '/nonexistent/lib.so' does not exist")
        #expect(Self.problem("{pkcs11: {library: /etc/hostname, label: t, pin: 'env:P', keyId: '01'}}")
                == prefix + ".certFile': is required")
    }

    @Test("env: and file: references resolve; a missing variable or file is named, the value never")
    func resolves() throws {
        #expect(try SecretReference("env:PIN")?.resolve(environment: ["PIN": "2468"]) == "2468")
        #expect(SecretReference("1234") == nil && SecretReference("env:") == nil && SecretReference("file:") == nil)
        let missing = #expect(throws: ConfigurationError.self) { try SecretReference.environment("NOPE").resolve(environment: [:]) }
        #expect(missing?.description == "environment variable NOPE: is not set (it holds a PIN named by the configuration)")
        let dir = try TemporaryDirectory(prefix: "pin")
        let file = try dir.write(Array("97531\n".utf8), to: "pin")
        #expect(try SecretReference("file:\(file)")?.resolve() == "97531")
        let empty = try dir.write([], to: "empty")
        #expect(throws: ConfigurationError.self) { try SecretReference.file(empty).resolve() }
        #expect(SecretReference.environment("ORG1_HSM_PIN").description == "env:ORG1_HSM_PIN")
    }
}
