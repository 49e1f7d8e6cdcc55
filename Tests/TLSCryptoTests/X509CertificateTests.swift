import Foundation
import Testing
import TLSCrypto

@Suite struct X509CertificateTests {
    @Test("reads subject, issuer, OU role, SKI, serial, validity and SANs")
    func fields() throws {
        let cert = try X509Certificate(pem: CryptoFixtures.fixture("crypto/admin-cert.pem"))
        #expect(cert.subject.commonName == "Admin@org1.example.com")
        #expect(cert.subject.description == "C=US,ST=California,L=San Francisco,OU=admin,CN=Admin@org1.example.com")
        #expect(cert.issuer.commonName == "ca.org1.example.com")
        #expect(cert.issuer.values(for: "O") == ["org1.example.com"])
        #expect(cert.organizationalUnits == ["admin"])
        #expect(cert.nodeOU == .admin)
        #expect(cert.subjectKeyIdentifier?.hexString == "c5f3d98806b9d449a8574137b2df4949db3b3f10")
        #expect(cert.serialNumber == [0x56, 0x78])
        #expect(cert.notBefore == Date(timeIntervalSince1970: 1_704_067_200))
        #expect(cert.notAfter == Date(timeIntervalSince1970: 2_019_686_400))
        #expect(cert.isValid(at: Date(timeIntervalSince1970: 1_800_000_000)))
        #expect(!cert.isValid(at: Date(timeIntervalSince1970: 1_600_000_000)))
        #expect(cert.subjectAlternativeNames == [.dns("admin.org1.example.com"), .ipAddress([127, 0, 0, 1])])
        #expect(try cert.publicKey().curve == .p256)
    }

    @Test("PEM text and DER round-trip byte for byte")
    func roundTrip() throws {
        let pem = try CryptoFixtures.fixture("crypto/admin-cert.pem")
        let cert = try X509Certificate(pem: pem)
        #expect(cert.pemString == pem)
        #expect(try X509Certificate(der: cert.derBytes) == cert)
    }

    @Test("a bundle yields every certificate; the CA has no OU role")
    func bundle() throws {
        let text = try CryptoFixtures.fixture("crypto/ca.pem") + CryptoFixtures.fixture("crypto/user-p384-cert.pem")
        let certs = try X509Certificate.all(inPEM: text)
        #expect(certs.count == 2)
        #expect(certs[0].nodeOU == nil)
        #expect(certs[1].nodeOU == .client)
        #expect(try certs[1].publicKey().curve == .p384)
    }

    @Test("garbage DER and trailing bytes are rejected")
    func invalid() throws {
        let cert = try X509Certificate(pem: CryptoFixtures.fixture("crypto/ca.pem"))
        #expect(throws: CryptoError(.invalidCertificate, "invalid certificate: not a DER X.509 certificate")) {
            try X509Certificate(der: cert.derBytes + [0])
        }
        #expect(throws: CryptoError.self) { try X509Certificate(der: [0x30, 0x03, 1, 2, 3]) }
    }
}
