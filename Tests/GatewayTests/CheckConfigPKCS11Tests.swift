import Foundation
import Testing
import TestSupport

/// `check-config` on a configuration whose Org1 admin key is in a SoftHSM token: the binary opens
/// a session, logs in, finds the key and checks it against the certificate, or says why not.
@Suite("check-config with a PKCS#11 identity", .serialized, .timeLimit(.minutes(2)))
struct CheckConfigPKCS11Tests {
    @Test("ok names the key and token; wrong PIN, unset PIN variable, missing key and another certificate fail clearly")
    func checkConfig() async throws {
        let dir = try TemporaryDirectory(prefix: "check-config-pkcs11")
        let token = SoftHSM.shared.claimToken()
        let key = dir.path("key.pem"), cert = dir.path("cert.pem"), otherKey = dir.path("other.pem"), otherCert = dir.path("other-cert.pem")
        for (k, c) in [(key, cert), (otherKey, otherCert)] {
            _ = try runCommand(["openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", k],
                               standardError: .capture).checked()
            _ = try runCommand(["openssl", "req", "-x509", "-new", "-key", k, "-subj", "/CN=Admin@org1.example.com", "-days", "2", "-out", c],
                               standardError: .capture).checked()
        }
        try SoftHSM.shared.importKey(pemFile: key, token: token, pin: SoftHSM.pin, keyLabel: "admin", keyID: "0a")
        func config(_ name: String, certFile: String = cert, keyLabel: String = "admin") throws -> String {
            try dir.write(Array("""
                network:
                  organizations:
                    - mspId: Org1MSP
                      adminIdentity:
                        certFile: \(certFile)
                        pkcs11: {library: \(SoftHSM.library), label: \(token), pin: "env:TEST_HSM_PIN", keyLabel: \(keyLabel)}
                """.utf8), to: name)
        }
        let binary = try InstalledBinaryTests.builtBinary().path
        func check(_ file: String, pin: String?) async throws -> CommandResult {
            // (env's options come before its assignments.)
            let env = (pin.map { ["TEST_HSM_PIN=\($0)"] } ?? ["-u", "TEST_HSM_PIN"]) + ["SOFTHSM2_CONF=\(SoftHSM.shared.configFile)"]
            return try await onThread { try runCommand(env + [binary, "check-config", "--config", file], standardError: .capture) }
        }

        let good = try config("good.yaml")
        let ok = try await check(good, pin: SoftHSM.pin)
        #expect(ok.status == 0, "\(ok.errorText)")
        #expect(ok.text.contains("Org1MSP adminIdentity: ") && ok.text.contains("with key 'admin' on PKCS#11 token '\(token)'"), "\(ok.text)")

        let wrongPIN = try await check(good, pin: "0000")
        #expect(wrongPIN.status == 1)
        #expect(wrongPIN.errorText.contains("cannot load the adminIdentity of Org1MSP: cannot log in to PKCS#11 token '\(token)': CKR_PIN_INCORRECT"),
                "\(wrongPIN.errorText)")
        let unset = try await check(good, pin: nil)
        #expect(unset.status == 1 && unset.errorText.contains("environment variable TEST_HSM_PIN: is not set"), "\(unset.errorText)")
        let missing = try await check(try config("missing.yaml", keyLabel: "nokey"), pin: SoftHSM.pin)
        #expect(missing.status == 1 && missing.errorText.contains("no EC private key 'nokey' on PKCS#11 token '\(token)'"), "\(missing.errorText)")
        let mismatch = try await check(try config("mismatch.yaml", certFile: otherCert), pin: SoftHSM.pin)
        #expect(mismatch.status == 1
                && mismatch.errorText.contains("key 'admin' on PKCS#11 token '\(token)' does not match the certificate '\(otherCert)'"),
                "\(mismatch.errorText)")
        for result in [ok, wrongPIN, unset, missing, mismatch] { #expect(!(result.text + result.errorText).contains(SoftHSM.pin)) }
    }
}
