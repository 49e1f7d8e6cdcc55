import Fabric
import Foundation
@testable import PKCS11Signing
import Testing
import TestSupport
import TLSCrypto

/// The PKCS#11 signer against a real SoftHSM2 token in a temp directory: signatures verified by
/// OpenSSL with the certificate's key, the start-up checks' messages, and recovery at run time.
@Suite("PKCS#11 signer with SoftHSM", .serialized, .timeLimit(.minutes(2)))
struct PKCS11SignerTests {
    /// A token with one imported P-256 key and a self-signed certificate for it (openssl CLI).
    struct Token {
        let label: String
        let pin = SoftHSM.pin
        let dir: TemporaryDirectory
        let keyFile: String
        let certFile: String
        let certificate: X509Certificate

        init(curve: String = "prime256v1") throws {
            #expect(SoftHSM.isInstalled, "softhsm2 is missing: run scripts/setup.sh --test")
            label = SoftHSM.shared.claimToken()
            dir = try TemporaryDirectory(prefix: "pkcs11-signer")
            keyFile = dir.path("key.pem")
            certFile = dir.path("cert.pem")
            let key = ECPrivateKey(generating: curve == "secp384r1" ? .p384 : .p256)
            try Data(key.pkcs8PEM.utf8).write(to: URL(fileURLWithPath: keyFile))
            // One child process for both steps (fewer Process/Pipe teardowns, see SoftHSM).
            _ = try runCommand(["SOFTHSM2_CONF=\(SoftHSM.shared.configFile)", "sh", "-c",
                                "openssl req -x509 -new -key \(keyFile) -subj /CN=Admin@org1.example.com/O=Org1 -days 2 -out \(certFile)"
                                + " && softhsm2-util --import \(keyFile) --token \(label) --pin \(pin) --label admin --id a1b2 >/dev/null"],
                               standardError: .capture).checked()
            certificate = try X509Certificate(pem: String(contentsOfFile: certFile, encoding: .utf8))
        }

        func location(pin: String? = nil, keyLabel: String? = "admin", keyID: [UInt8]? = nil, token: String? = nil,
                      library: String = SoftHSM.library) -> PKCS11KeyLocation {
            PKCS11KeyLocation(library: library, tokenLabel: token ?? label, pin: pin ?? self.pin, keyLabel: keyLabel, keyID: keyID)
        }

        func signer(_ location: PKCS11KeyLocation? = nil) throws -> PKCS11Signer {
            try PKCS11Signer(location: location ?? self.location(), certificate: certificate, certificateName: certFile)
        }

        func publicKey() throws -> ECPublicKey { try ECPublicKey(subjectPublicKeyInfoDER: certificate.subjectPublicKeyInfoDER) }
    }

    static func failure(_ body: () throws -> Void) -> String {
        do {
            try body()
            return "no error"
        } catch {
            return "\(error)"
        }
    }

    @Test("signatures are low-S DER that verify with the certificate's key (P-256 and P-384), from several threads")
    func signs() async throws {
        for curve in ["prime256v1", "secp384r1"] {
            let token = try Token(curve: curve)
            let signer = try token.signer()
            let key = try token.publicKey()
            let results = try await withThrowingTaskGroup(of: Bool.self) { group in
                for _ in 0..<4 {
                    group.addTask {
                        try await onThread {
                            (0..<50).allSatisfy { _ in
                                let digest = SecureRandom.bytes(32)
                                guard let der = try? signer.sign(digest: digest), let sig = try? ECDSASignature(der: der) else { return false }
                                return sig.derRepresentation == der && sig.isLowS(on: key.curve) && key.isValidSignature(der, forDigest: digest)
                            }
                        }
                    }
                }
                return try await group.reduce(into: [Bool]()) { $0.append($1) }
            }
            #expect(results == [true, true, true, true], "\(curve)")
        }
    }

    @Test("Python's cryptography verifies the signatures with the certificate and finds them low-S")
    func verifiedByPython() throws {
        let token = try Token()
        let signer = try token.signer()
        var lines: [String] = []
        for i in 0..<20 {
            let digest = SHA256.hash(Array("message \(i)".utf8))
            let signature = try signer.sign(digest: digest)
            lines.append(digest.map { String(format: "%02x", $0) }.joined() + " " + signature.map { String(format: "%02x", $0) }.joined())
        }
        let script = """
            import sys
            from cryptography import x509
            from cryptography.hazmat.primitives import hashes
            from cryptography.hazmat.primitives.asymmetric import ec, utils
            cert = x509.load_pem_x509_certificate(open(sys.argv[1], "rb").read())
            key = cert.public_key()
            half = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551 // 2
            n = 0
            for line in sys.stdin:
                digest, sig = (bytes.fromhex(x) for x in line.split())
                key.verify(sig, digest, ec.ECDSA(utils.Prehashed(hashes.SHA256())))
                assert utils.decode_dss_signature(sig)[1] <= half, "high S"
                n += 1
            print(f"verified {n}")
            """
        let result = try runCommand([pythonInterpreter(), "-c", script, token.certFile], stdin: Array(lines.joined(separator: "\n").utf8),
                                    standardError: .capture)
        #expect(result.status == 0 && result.text == "verified 20\n", "\(result.text) \(result.errorText)")
    }

    @Test("the key is found by ID, or by label and ID")
    func findsByID() throws {
        let token = try Token()
        let digest = SHA256.hash(Array("x".utf8))
        for location in [token.location(keyLabel: nil, keyID: [0xa1, 0xb2]), token.location(keyID: [0xa1, 0xb2])] {
            #expect(try token.publicKey().isValidSignature(try token.signer(location).sign(digest: digest), forDigest: digest))
        }
    }

    @Test("raw r||s from the token becomes minimal low-S DER")
    func rawToDER() throws {
        let order = ECCurve.p256.order
        // s = n - 1 is high: it becomes 1; r with a leading zero byte is trimmed.
        var s = order
        s[s.count - 1] -= 1
        let r = [UInt8](repeating: 0, count: 1) + [UInt8](repeating: 0x7f, count: 31)
        let der = try PKCS11Signer.der(raw: r + s, curve: .p256)
        let sig = try ECDSASignature(der: der)
        #expect(sig.s == [1] && sig.r == [UInt8](repeating: 0x7f, count: 31))
        #expect(throws: PKCS11Error.self) { try PKCS11Signer.der(raw: [1, 2, 3], curve: .p256) }
    }

    @Test("wrong PIN, missing key, missing token, missing library and a key of another certificate: clear errors")
    func startupErrors() throws {
        let token = try Token()
        let wrongPIN = Self.failure { _ = try token.signer(token.location(pin: "0000")) }
        #expect(wrongPIN == "cannot log in to PKCS#11 token '\(token.label)': CKR_PIN_INCORRECT (check the PIN reference)", "\(wrongPIN)")
        #expect(!wrongPIN.contains("0000"))
        let missingKey = Self.failure { _ = try token.signer(token.location(keyLabel: "nokey")) }
        #expect(missingKey == "no EC private key 'nokey' on PKCS#11 token '\(token.label)'", "\(missingKey)")
        let missingID = Self.failure { _ = try token.signer(token.location(keyLabel: "admin", keyID: [0xff])) }
        #expect(missingID == "no EC private key 'admin' id ff on PKCS#11 token '\(token.label)'", "\(missingID)")
        let missingToken = Self.failure { _ = try token.signer(token.location(token: "absent")) }
        #expect(missingToken.hasPrefix("no PKCS#11 token labelled 'absent' in '\(SoftHSM.library)' (tokens present: ")
                && missingToken.contains("'\(token.label)'"), "\(missingToken)")
        let noLibrary = Self.failure { _ = try token.signer(token.location(library: "/nonexistent/libpkcs11.so")) }
        #expect(noLibrary.hasPrefix("cannot load the PKCS#11 library '/nonexistent/libpkcs11.so': "), "\(noLibrary)")

        // The certificate of another key: the signer refuses it, naming both.
        let other = try Token()
        let mismatch = Self.failure {
            _ = try PKCS11Signer(location: token.location(), certificate: other.certificate, certificateName: other.certFile)
        }
        #expect(mismatch == "key 'admin' on PKCS#11 token '\(token.label)' does not match the certificate '\(other.certFile)'", "\(mismatch)")
        // A key of another curve (P-384 in the token, a P-256 certificate): the same message.
        let p384 = try Token(curve: "secp384r1")
        let otherCurve = Self.failure {
            _ = try PKCS11Signer(location: p384.location(), certificate: token.certificate, certificateName: token.certFile)
        }
        #expect(otherCurve == "key 'admin' on PKCS#11 token '\(p384.label)' does not match the certificate '\(token.certFile)'", "\(otherCurve)")
    }

    @Test("logged out at run time: the next signature logs in again")
    func reLogin() throws {
        let token = try Token()
        let signer = try token.signer()
        let digest = SHA256.hash(Array("a".utf8))
        _ = try signer.sign(digest: digest)
        // Logging out one session logs out every session of this process on that token.
        let library = try PKCS11Library.shared(path: SoftHSM.library)
        let session = try library.openSession(slot: try #require(try library.slot(tokenLabel: token.label)))
        try library.logout(session)
        library.closeSession(session)
        #expect(try token.publicKey().isValidSignature(try signer.sign(digest: digest), forDigest: digest))
    }

    @Test("the PIN refused at run time: 503 once, then no further login is tried until a restart")
    func pinRefusedAtRunTime() throws {
        let token = try Token()
        let signer = try token.signer()
        let digest = SHA256.hash(Array("d".utf8))
        _ = try signer.sign(digest: digest)
        let library = try PKCS11Library.shared(path: SoftHSM.library)
        let session = try library.openSession(slot: try #require(try library.slot(tokenLabel: token.label)), readWrite: true)
        defer { library.closeSession(session) }
        try library.setPIN(session, old: token.pin, new: "8642")
        try library.logout(session)
        let first = #expect(throws: SignerUnavailableError.self) { try signer.sign(digest: digest) }
        #expect(first?.message == "key 'admin' on PKCS#11 token '\(token.label)' is unavailable: cannot log in to PKCS#11 token '\(token.label)':"
                + " CKR_PIN_INCORRECT (check the PIN reference)", "\(String(describing: first))")
        // The PIN back as the signer knows it: still refused, since the signer tries no login again.
        try library.login(session, pin: "8642")
        try library.setPIN(session, old: "8642", new: token.pin)
        try library.logout(session)
        let second = #expect(throws: SignerUnavailableError.self) { try signer.sign(digest: digest) }
        #expect(second?.message.hasSuffix("no further login is tried (a token locks its PIN after a few wrong ones): restart the gateway with the right PIN")
                == true, "\(String(describing: second))")
        // A new signer (a restart) works.
        #expect(try token.publicKey().isValidSignature(try token.signer().sign(digest: digest), forDigest: digest))
    }

    /// Removes every key object of `token` (what a token leaves behind when taken out, as far as
    /// this process's sessions can tell).
    static func removeKeys(_ token: Token) throws {
        let dir = try SoftHSM.shared.tokenDirectory(label: token.label)
        for f in try FileManager.default.contentsOfDirectory(atPath: dir.path) where !f.hasPrefix("token.") && f != "generation" {
            try FileManager.default.removeItem(at: dir.appendingPathComponent(f))
        }
    }

    @Test("key gone at run time: SignerUnavailableError naming the key, on every call; back on the token, signing recovers")
    func keyGone() throws {
        let token = try Token()
        let signer = try token.signer()
        let digest = SHA256.hash(Array("b".utf8))
        _ = try signer.sign(digest: digest)
        try Self.removeKeys(token)
        let error = #expect(throws: SignerUnavailableError.self) { try signer.sign(digest: digest) }
        #expect(error?.message == "key 'admin' on PKCS#11 token '\(token.label)' is unavailable: no EC private key 'admin' on PKCS#11 token '\(token.label)'",
                "\(String(describing: error))")
        // Still gone: still unavailable (each call tries again).
        #expect(throws: SignerUnavailableError.self) { try signer.sign(digest: digest) }
        // SoftHSM forgets an object file that vanished; the key comes back as a new object.
        try SoftHSM.shared.importKey(pemFile: token.keyFile, token: token.label, pin: token.pin, keyLabel: "admin", keyID: "a1b2")
        #expect(try token.publicKey().isValidSignature(try signer.sign(digest: digest), forDigest: digest))
    }

    @Test("token removed at run time: SignerUnavailableError saying the token is not present")
    func tokenRemoved() throws {
        let token = try Token()
        let signer = try token.signer()
        let digest = SHA256.hash(Array("c".utf8))
        _ = try signer.sign(digest: digest)
        try FileManager.default.removeItem(at: try SoftHSM.shared.tokenDirectory(label: token.label))
        let error = #expect(throws: SignerUnavailableError.self) { try signer.sign(digest: digest) }
        #expect(error?.message.hasPrefix("key 'admin' on PKCS#11 token '\(token.label)' is unavailable: no PKCS#11 token labelled '\(token.label)'") == true,
                "\(String(describing: error))")
        // (A SoftHSM token does not come back to a running process: SoftHSM lists tokens once, at
        // C_Initialize. A hardware token re-inserted is found by label again; `keyGone` tests that path.)
    }
}
