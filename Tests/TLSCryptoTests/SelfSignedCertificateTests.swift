import Foundation
import Testing
import TestSupport
import TLSCrypto

@Suite(.timeLimit(.minutes(1))) struct SelfSignedCertificateTests {
    @Test("a generated client certificate names itself as issuer, carries the key, and is valid from an hour ago")
    func fields() throws {
        let key = ECPrivateKey(generating: .p256)
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let cert = try X509Certificate.selfSigned(key: key, commonName: "chaincode-gateway client", lifetime: 86_400, now: now)
        #expect(cert.subject.description == "CN=chaincode-gateway client")
        #expect(cert.issuer == cert.subject)
        #expect(cert.subjectPublicKeyInfoDER == (try X509Certificate.selfSigned(key: key, commonName: "x", lifetime: 1)).subjectPublicKeyInfoDER)
        #expect(cert.notBefore == now.addingTimeInterval(-3600) && cert.notAfter == now.addingTimeInterval(86_400))
        #expect(cert.serialNumber.count == 16 && cert.serialNumber[0] & 0x80 == 0)
        #expect(cert.subjectKeyIdentifier?.count == 20)
        let other = try X509Certificate.selfSigned(key: key, commonName: "chaincode-gateway client", lifetime: 86_400, now: now)
        #expect(other.serialNumber != cert.serialNumber, "serials are random")
    }

    @Test("an independent implementation (Python's cryptography) verifies the signature and reads the extensions")
    func independentCheck() throws {
        let key = ECPrivateKey(generating: .p256)
        let cert = try X509Certificate.selfSigned(key: key, commonName: "gw", lifetime: 3600)
        let script = """
        import sys
        from cryptography import x509
        c = x509.load_pem_x509_certificate(sys.stdin.buffer.read())
        c.verify_directly_issued_by(c)
        bc = c.extensions.get_extension_for_class(x509.BasicConstraints)
        ku = c.extensions.get_extension_for_class(x509.KeyUsage)
        eku = c.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
        print(c.version.name, bc.critical, bc.value.ca, ku.critical, ku.value.digital_signature, ku.value.key_cert_sign,
              [u.dotted_string for u in eku], c.signature_hash_algorithm.name)
        """
        let result = try runCommand([pythonInterpreter(), "-c", script], stdin: Array(cert.pemString.utf8)).checked()
        #expect(result.text.trimmingCharacters(in: .whitespacesAndNewlines)
                == "v3 True False True True False ['1.3.6.1.5.5.7.3.2'] sha256")
    }
}
