import Fabric
import FabricProtos
import Foundation
import Testing
import TLSCrypto

@Suite struct IdentityTests {
    @Test("MSP folder: picks the keystore key matching the signcert, keeps the PEM verbatim")
    func mspFolder() throws {
        let admin = try FabricFixtures.admin()
        let pem = try String(contentsOfFile: FabricFixtures.fixturePath("msp-org1-admin/signcerts/Admin@org1.example.com-cert.pem"),
                             encoding: .utf8)
        #expect(admin.identity.certificatePEM == Array(pem.utf8))
        #expect(admin.identity.role == .admin)
        let serialized = try Msp_SerializedIdentity(serializedBytes: admin.creator)
        #expect(serialized.mspid == "Org1MSP" && Array(serialized.idBytes) == Array(pem.utf8))
        let digest = SHA256.hash([1, 2, 3])
        #expect(try admin.identity.certificate.publicKey().isValidSignature(try admin.signer.sign(digest: digest), forDigest: digest))
        #expect(try Identity(serialized: admin.creator) == admin.identity)
    }

    @Test("cert + key files load; a mismatched key names both files")
    func files() throws {
        let cert = FabricFixtures.fixturePath("msp-org1-admin/signcerts/Admin@org1.example.com-cert.pem")
        let good = FabricFixtures.fixturePath("msp-org1-admin/keystore/priv_sk")
        let wrong = FabricFixtures.fixturePath("msp-org1-admin/keystore/0aaa_sk")
        _ = try SigningIdentity.load(certificateFile: cert, keyFile: good, mspID: "Org1MSP")
        #expect(throws: IdentityError("private key '\(wrong)' does not match the certificate '\(cert)'")) {
            try SigningIdentity.load(certificateFile: cert, keyFile: wrong, mspID: "Org1MSP")
        }
    }

    @Test("errors name the file and never contain key material")
    func errors() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("msp-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("signcerts"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("keystore"), withIntermediateDirectories: true)
        let certDir = dir.appendingPathComponent("signcerts").path
        #expect(throws: IdentityError("no certificate found in '\(certDir)'")) {
            try SigningIdentity.loadMSP(directory: dir.path, mspID: "Org1MSP")
        }
        let certFile = dir.appendingPathComponent("signcerts/cert.pem").path
        try "not a cert".write(toFile: certFile, atomically: true, encoding: .utf8)
        #expect(throws: IdentityError("failed to read certificate '\(certFile)': invalid identity certificate: no PEM block 'CERTIFICATE' found")) {
            try SigningIdentity.loadMSP(directory: dir.path, mspID: "Org1MSP")
        }
        try FileManager.default.removeItem(atPath: certFile)
        try FileManager.default.copyItem(atPath: FabricFixtures.fixturePath("msp-org1-admin/signcerts/Admin@org1.example.com-cert.pem"),
                                         toPath: certFile)
        let keyFile = dir.appendingPathComponent("keystore/priv_sk").path
        let secret = "-----BEGIN PRIVATE KEY-----\nU0VDUkVUU0VDUkVU\n-----END PRIVATE KEY-----\n"
        try secret.write(toFile: keyFile, atomically: true, encoding: .utf8)
        let error = #expect(throws: IdentityError.self) { try SigningIdentity.loadMSP(directory: dir.path, mspID: "Org1MSP") }
        #expect(error?.message == "no private key in '\(dir.appendingPathComponent("keystore").path)' matches the certificate '\(certFile)'")
        let fileError = #expect(throws: IdentityError.self) {
            try SigningIdentity.load(certificateFile: certFile, keyFile: keyFile, mspID: "Org1MSP")
        }
        #expect(fileError?.message == "failed to read private key '\(keyFile)': invalid private key: not a PKCS#8 or SEC1 EC key")
        #expect(fileError?.message.contains("U0VD") == false)
        #expect(throws: IdentityError("cannot read directory '/nonexistent-msp/signcerts'")) {
            try SigningIdentity.loadMSP(directory: "/nonexistent-msp", mspID: "Org1MSP")
        }
        #expect(throws: IdentityError("MSP ID must not be empty")) {
            try SigningIdentity.loadMSP(directory: FabricFixtures.mspDirectory, mspID: "")
        }
    }
}
