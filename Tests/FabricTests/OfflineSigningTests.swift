import Fabric
import FabricProtos
import Foundation
import Testing
import TLSCrypto

@Suite struct OfflineSigningTests {
    @Test("proposal and transaction accept signatures made elsewhere over their digests")
    func offline() throws {
        let admin = try FabricFixtures.admin()
        var proposal = Proposal(ChaincodeInvocation(channelID: "ch", chaincodeName: "cc", function: "f"), creator: admin.identity)
        #expect(proposal.signature == nil)
        proposal.setSignature(try admin.signer.sign(digest: proposal.digest))
        let key = try admin.identity.certificate.publicKey()
        #expect(key.isValidSignature(Array(proposal.signedProposal.signature), forDigest: SHA256.hash(proposal.bytes)))
        let offline = proposal.signature
        try proposal.sign(with: admin)  // ECDSA is randomized: a re-sign would differ
        #expect(proposal.signature == offline)

        var tx = try Transaction(proposal: proposal, responses: [
            EndorsementResponse(endpoint: "p", response: try TransactionTests.response(for: proposal)),
        ])
        tx.setSignature(try admin.signer.sign(digest: tx.digest))
        #expect(key.isValidSignature(Array(tx.envelope.signature), forDigest: SHA256.hash(tx.envelope.payload)))
    }

    @Test("tls_cert_hash is SHA-256 of the certificate DER (openssl x509 -outform der | sha256sum)")
    func tlsHash() throws {
        let pem = try String(contentsOfFile: FabricFixtures.fixturePath("crypto/admin-cert.pem"), encoding: .utf8)
        #expect(try FabricClient.tlsCertificateHash(certificatePEM: pem).hexString
            == "46ebdb82eb3d19fd01243a6f236f76da779780ea426cc61312f49ceda5e67ca0")
        #expect(throws: IdentityError("invalid TLS client certificate: no PEM block 'CERTIFICATE' found")) {
            try FabricClient.tlsCertificateHash(certificatePEM: "nothing")
        }
    }
}
