import Foundation
import Testing
import TLSCrypto
import TestSupport

@Suite(.timeLimit(.minutes(2))) struct ECPrivateKeyTests {
    static let verifyScript = """
    import sys
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec, utils
    key = serialization.load_der_public_key(bytes.fromhex(sys.argv[1]))
    digest, sig = bytes.fromhex(sys.argv[2]), bytes.fromhex(sys.argv[3])
    key.verify(sig, digest, ec.ECDSA(utils.Prehashed(hashes.SHA256())))
    r, s = utils.decode_dss_signature(sig)
    n = {'secp256r1': 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551,
         'secp384r1': 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFC7634D81F4372DDF581A0DB248B0A77AECEC196ACCC52973}[key.curve.name]
    assert 0 < s <= n >> 1, 'high S'
    print('verified', key.curve.name)
    """

    @Test("PKCS#8 and SEC1 PEM of the same key give the same public key, matching the certificate")
    func formats() throws {
        let pkcs8 = try ECPrivateKey(pem: CryptoFixtures.fixture("crypto/admin-key-pkcs8.pem"))
        let sec1 = try ECPrivateKey(pem: CryptoFixtures.fixture("crypto/admin-key-sec1.pem"))
        let cert = try X509Certificate(pem: CryptoFixtures.fixture("crypto/admin-cert.pem"))
        #expect(pkcs8.curve == .p256)
        #expect(pkcs8.publicKey.subjectPublicKeyInfoDER == sec1.publicKey.subjectPublicKeyInfoDER)
        #expect(pkcs8.publicKey.subjectPublicKeyInfoDER == cert.subjectPublicKeyInfoDER)
        #expect(pkcs8.publicKey.uncompressedPoint.count == 65)
        let reloaded = try ECPrivateKey(pem: sec1.pkcs8PEM)
        #expect(reloaded.publicKey.subjectPublicKeyInfoDER == cert.subjectPublicKeyInfoDER)
    }

    @Test("P-384 SEC1 key loads and signs a SHA-256 digest")
    func p384() throws {
        let key = try ECPrivateKey(pem: CryptoFixtures.fixture("crypto/user-p384-key-sec1.pem"))
        #expect(key.curve == .p384)
        let digest = SHA256.hash(Array("hello".utf8))
        let sig = try key.signature(forDigest: digest)
        #expect(sig.isLowS(on: .p384))
        #expect(key.publicKey.isValidSignature(sig.derRepresentation, forDigest: digest))
    }

    @Test("signatures are always low-S and verify; a high-S twin is rejected by the Fabric rule")
    func alwaysLowS() throws {
        let key = ECPrivateKey(generating: .p256)
        for i in 0..<64 {
            let digest = SHA256.hash([UInt8(i)])
            let sig = try key.signature(forDigest: digest)
            #expect(sig.isLowS(on: .p256))
            #expect(key.publicKey.isValidSignature(sig.derRepresentation, forDigest: digest))
            let highS = ECDSASignature(r: sig.r, s: ECCurve.p256.order.subtractingForTest(sig.s))
            #expect(!key.publicKey.isValidSignature(highS.derRepresentation, forDigest: digest))
            #expect(key.publicKey.isValidSignature(highS.derRepresentation, forDigest: digest, requireLowS: false))
            #expect(!key.publicKey.isValidSignature(sig.derRepresentation, forDigest: SHA256.hash([0xff, UInt8(i)])))
        }
    }

    @Test("one key signing from many threads at once (pooled contexts): every signature verifies and differs",
          arguments: [ECCurve.p256, .p384])
    func concurrentSigning(curve: ECCurve) async throws {
        let key = ECPrivateKey(generating: curve)
        let digest = SHA256.hash(Array("same message".utf8))
        let signatures = try await withThrowingTaskGroup(of: [[UInt8]].self) { group in
            for _ in 0..<8 {
                group.addTask { try (0..<40).map { _ in try key.signature(forDigest: digest).derRepresentation } }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        #expect(signatures.count == 320)
        #expect(Set(signatures).count == 320, "a reused context must still draw a fresh nonce per signature")
        #expect(signatures.allSatisfy { key.publicKey.isValidSignature($0, forDigest: digest) })
    }

    @Test("Python cryptography verifies Swift signatures and finds them low-S", arguments: [ECCurve.p256, .p384])
    func pythonVerifies(curve: ECCurve) throws {
        let key = ECPrivateKey(generating: curve)
        let message = Array("fabric proposal bytes".utf8)
        let der = try key.signSHA256(message)
        let (status, output) = try CryptoFixtures.runPython(Self.verifyScript, [
            key.publicKey.subjectPublicKeyInfoDER.hexString, SHA256.hash(message).hexString, der.hexString,
        ])
        #expect(status == 0, "python said: \(output)")
        #expect(output.contains("verified"))
    }

    @Test("bad key input errors name the problem, never the bytes")
    func errors() throws {
        let secret = "-----BEGIN PRIVATE KEY-----\nU0VDUkVUU0VDUkVU\n-----END PRIVATE KEY-----\n"
        let error = #expect(throws: CryptoError.self) { try ECPrivateKey(pem: secret) }
        #expect(error?.message == "invalid private key: not a PKCS#8 or SEC1 EC key")
        #expect(error?.message.contains("U0VD") == false)
        #expect(throws: CryptoError(.invalidKey, "encrypted private keys are not supported")) {
            try ECPrivateKey(pem: "-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n")
        }
        #expect(throws: CryptoError(.invalidPEM, "no PEM block 'PRIVATE KEY' or 'EC PRIVATE KEY' found")) {
            try ECPrivateKey(pem: CryptoFixtures.fixture("crypto/admin-cert.pem"))
        }
    }
}

extension Array where Element == UInt8 {
    /// self - other (self >= other), big-endian; test helper for building high-S twins.
    func subtractingForTest(_ other: [UInt8]) -> [UInt8] {
        var out = self
        let padded = [UInt8](repeating: 0, count: count - other.count) + other
        var borrow = 0
        for i in stride(from: count - 1, through: 0, by: -1) {
            var v = Int(out[i]) - Int(padded[i]) - borrow
            borrow = v < 0 ? 1 : 0
            if v < 0 { v += 256 }
            out[i] = UInt8(v)
        }
        return out
    }
}

@Suite struct ECDSAInteropTests {
    @Test("Swift verifies signatures made by Python cryptography over a SHA-256 digest")
    func swiftVerifiesPython() throws {
        let script = """
        import sys
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import ec, utils
        key = serialization.load_pem_private_key(open(sys.argv[1], 'rb').read(), None)
        digest = bytes.fromhex(sys.argv[2])
        print(key.sign(digest, ec.ECDSA(utils.Prehashed(hashes.SHA256()))).hex())
        """
        let digest = SHA256.hash(Array("signed by python".utf8))
        let path = CryptoFixtures.repoRoot.appendingPathComponent("Tests/Fixtures/crypto/admin-key-pkcs8.pem").path
        let (status, output) = try CryptoFixtures.runPython(script, [path, digest.hexString])
        #expect(status == 0, "python: \(output)")
        let der = [UInt8](hex: output.trimmingCharacters(in: .whitespacesAndNewlines))
        let publicKey = try X509Certificate(pem: CryptoFixtures.fixture("crypto/admin-cert.pem")).publicKey()
        #expect(publicKey.isValidSignature(der, forDigest: digest, requireLowS: false))
        let normalized = try ECDSASignature(der: der).normalizedToLowS(on: .p256)
        #expect(publicKey.isValidSignature(normalized.derRepresentation, forDigest: digest))
        #expect(!publicKey.isValidSignature(der, forDigest: SHA256.hash([0]), requireLowS: false))
    }
}
