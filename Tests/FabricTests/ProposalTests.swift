import Fabric
import FabricProtos
import Foundation
import Testing
import TLSCrypto

@Suite struct ProposalTests {
    @Test("tx_id = hex(SHA-256(nonce || creator)) matches the fabric-notes §14 vector")
    func txIDVector() throws {
        var creator = Msp_SerializedIdentity()
        creator.mspid = "Org1MSP"
        creator.idBytes = Data("abc".utf8)
        let bytes: [UInt8] = try creator.serializedBytes()
        #expect(bytes.hexString == "0a074f7267314d53501203616263")
        #expect(Proposal.transactionID(nonce: Array(0..<24), creator: bytes)
            == "5ab504e5e16851eb2ab20e3af6ef04c328c06c3f176e5debbdc7c2a7dfd62cb9")
    }

    @Test("the proposal decodes back into the structure of fabric-notes §3.1")
    func structure() throws {
        let admin = try FabricFixtures.admin()
        let invocation = ChaincodeInvocation(channelID: "mychannel", chaincodeName: "basic", function: "CreateAsset",
                                             stringArguments: ["a1", "blue"], transientData: ["secret": [1, 2]],
                                             isInit: true)
        let when = Date(timeIntervalSince1970: 1_700_000_000.25)
        let proposal = Proposal(invocation, creator: admin.identity, nonce: Array(repeating: 7, count: 24), timestamp: when)
        let decoded = try Protos_Proposal(serializedBytes: proposal.bytes)
        let header = try Common_Header(serializedBytes: decoded.header)
        #expect(Array(header.channelHeader) == proposal.channelHeader)
        let chdr = try Common_ChannelHeader(serializedBytes: header.channelHeader)
        #expect(chdr.type == 3 && chdr.version == 0 && chdr.epoch == 0)
        #expect(chdr.channelID == "mychannel" && chdr.txID == proposal.transactionID)
        #expect(chdr.timestamp.seconds == 1_700_000_000 && chdr.timestamp.nanos == 250_000_000)
        let ext = try Protos_ChaincodeHeaderExtension(serializedBytes: chdr.extension)
        #expect(ext.chaincodeID.name == "basic")
        let shdr = try Common_SignatureHeader(serializedBytes: header.signatureHeader)
        #expect(Array(shdr.nonce) == Array(repeating: 7, count: 24))
        #expect(Array(shdr.creator) == admin.identity.serialized)
        let identity = try Msp_SerializedIdentity(serializedBytes: shdr.creator)
        #expect(identity.mspid == "Org1MSP")
        #expect(String(decoding: identity.idBytes, as: UTF8.self).hasPrefix("-----BEGIN CERTIFICATE-----"))
        #expect(proposal.transactionID == Proposal.transactionID(nonce: Array(shdr.nonce), creator: Array(shdr.creator)))
        let payload = try Protos_ChaincodeProposalPayload(serializedBytes: decoded.payload)
        #expect(payload.transientMap == ["secret": Data([1, 2])])
        let spec = try Protos_ChaincodeInvocationSpec(serializedBytes: payload.input).chaincodeSpec
        #expect(spec.chaincodeID.name == "basic" && spec.input.isInit)
        #expect(spec.input.args.map { String(decoding: $0, as: UTF8.self) } == ["CreateAsset", "a1", "blue"])
        #expect(decoded.extension.isEmpty)
    }

    @Test("fresh proposals get distinct 24-byte nonces and tx IDs")
    func randomNonce() throws {
        let admin = try FabricFixtures.admin()
        let invocation = ChaincodeInvocation(channelID: "", chaincodeName: "_lifecycle", arguments: [])
        let a = Proposal(invocation, creator: admin.identity)
        let b = Proposal(invocation, creator: admin.identity)
        #expect(a.transactionID != b.transactionID)
        #expect(try Common_SignatureHeader(serializedBytes: a.signatureHeader).nonce.count == 24)
        #expect(try Common_ChannelHeader(serializedBytes: a.channelHeader).channelID == "")
    }

    @Test("signing is idempotent, checks the creator, and Python cryptography verifies it")
    func signing() throws {
        let admin = try FabricFixtures.admin()
        var proposal = Proposal(ChaincodeInvocation(channelID: "ch", chaincodeName: "cc", function: "f"), creator: admin.identity)
        try proposal.sign(with: admin)
        let first = proposal.signature
        try proposal.sign(with: admin)
        #expect(proposal.signature == first)
        let signed = proposal.signedProposal
        #expect(Array(signed.proposalBytes) == proposal.bytes)
        let script = """
        import sys
        from cryptography import x509
        from cryptography.hazmat.primitives import hashes
        from cryptography.hazmat.primitives.asymmetric import ec, utils
        cert = x509.load_pem_x509_certificate(open(sys.argv[1], 'rb').read())
        data, sig = bytes.fromhex(sys.argv[2]), bytes.fromhex(sys.argv[3])
        cert.public_key().verify(sig, data, ec.ECDSA(hashes.SHA256()))
        r, s = utils.decode_dss_signature(sig)
        assert s <= 0x7FFFFFFF800000007FFFFFFFFFFFFFFFDE737D56D38BCF4279DCE5617E3192A8
        print('ok')
        """
        let certPath = FabricFixtures.fixturePath("msp-org1-admin/signcerts/Admin@org1.example.com-cert.pem")
        let (status, output) = try FabricFixtures.runPython(script, [certPath, proposal.bytes.hexString,
                                                                     Array(signed.signature).hexString])
        #expect(status == 0, "python: \(output)")
        let other = try FabricFixtures.identity(mspID: "Org2MSP")
        var unsigned = Proposal(ChaincodeInvocation(channelID: "ch", chaincodeName: "cc", function: "f"), creator: admin.identity)
        #expect(throws: IdentityError("signer must be the same as the one referenced in the header")) {
            try unsigned.sign(with: other)
        }
    }

    @Test("seek envelopes carry SeekInfo, DELIVER_SEEK_INFO header, TLS hash and a valid signature")
    func seekEnvelope() throws {
        let admin = try FabricFixtures.admin()
        let envelope = try SeekEnvelope.make(channelID: "mychannel", start: .newest, signer: admin,
                                             tlsCertHash: [9, 9], timestamp: Date(timeIntervalSince1970: 1_700_000_000.9))
        let payload = try Common_Payload(serializedBytes: envelope.payload)
        let chdr = try Common_ChannelHeader(serializedBytes: payload.header.channelHeader)
        #expect(chdr.type == 5 && chdr.channelID == "mychannel" && chdr.txID.isEmpty)
        #expect(chdr.timestamp.seconds == 1_700_000_000 && chdr.timestamp.nanos == 0)
        #expect(Array(chdr.tlsCertHash) == [9, 9])
        let seek = try Orderer_SeekInfo(serializedBytes: payload.data)
        #expect(seek.start.newest == Orderer_SeekNewest())
        #expect(seek.stop.specified.number == UInt64.max)
        #expect(seek.behavior == .blockUntilReady)
        let key = try admin.identity.certificate.publicKey()
        #expect(key.isValidSignature(Array(envelope.signature), forDigest: SHA256.hash(envelope.payload)))
    }
}
