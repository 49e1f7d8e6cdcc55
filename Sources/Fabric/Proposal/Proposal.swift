import FabricProtos
import Foundation
import SwiftProtobuf
import TLSCrypto

/// An unsigned or signed chaincode proposal (docs/fabric-notes.md §3).
///
/// Keeps the exact header and input bytes, because the transaction re-uses them verbatim
/// (§4.3). `sign(with:)` is idempotent; `setSignature(_:)` supports offline signing.
public struct Proposal: Sendable {
    public let transactionID: String
    public let channelID: String
    public let chaincodeName: String
    /// Serialized `protos.Proposal` (`proposal_bytes`): what gets signed.
    public let bytes: [UInt8]
    /// Serialized `common.ChannelHeader`.
    public let channelHeader: [UInt8]
    /// Serialized `common.SignatureHeader`.
    public let signatureHeader: [UInt8]
    /// Serialized `protos.ChaincodeInvocationSpec` (the payload's `input`).
    public let chaincodeInput: [UInt8]
    /// Whether the proposal carries transient data (for routing decisions).
    public let hasTransientData: Bool
    /// Serialized `msp.SerializedIdentity` of the creator.
    public let creator: [UInt8]
    /// DER signature over `bytes`, once signed.
    public private(set) var signature: [UInt8]?

    /// SHA-256 of `bytes`: what a signer signs.
    public var digest: [UInt8] { SHA256.hash(bytes) }

    /// Builds the proposal as protoutil/proputils.go `CreateChaincodeProposalWithTxIDNonceAndTransient`
    /// does (docs/fabric-notes.md §3.1). `nonce` and `timestamp` are injectable for tests;
    /// by default a fresh 24-byte random nonce and the current time.
    public init(_ invocation: ChaincodeInvocation, creator: Identity, nonce: [UInt8]? = nil, timestamp: Date = Date()) {
        let nonce = nonce ?? Self.randomNonce()
        precondition(!nonce.isEmpty, "nonce must not be empty")
        let creatorBytes = creator.serialized
        let txID = Self.transactionID(nonce: nonce, creator: creatorBytes)
        let chdr = Self.channelHeader(invocation, txID: txID, timestamp: timestamp)
        let shdr = ProtoBuilders.signatureHeader(creator: creatorBytes, nonce: nonce)
        let input = Self.invocationSpec(invocation)
        var payload = ProtoWriter(capacity: input.count + 16)  // protos.ChaincodeProposalPayload
        payload.bytes(1, input)
        payload.map(2, invocation.transientData)
        var header = ProtoWriter(capacity: chdr.count + shdr.count + 8)  // common.Header
        header.bytes(1, chdr)
        header.bytes(2, shdr)
        var proposal = ProtoWriter(capacity: header.bytes.count + payload.bytes.count + 8)  // protos.Proposal
        proposal.bytes(1, header.bytes)
        proposal.bytes(2, payload.bytes)
        self.transactionID = txID
        self.channelID = invocation.channelID
        self.chaincodeName = invocation.chaincodeName
        self.bytes = proposal.bytes
        self.channelHeader = chdr
        self.signatureHeader = shdr
        self.chaincodeInput = input
        self.hasTransientData = !invocation.transientData.isEmpty
        self.creator = creatorBytes
    }

    /// `hex(SHA-256(nonce || creator))`, lowercase (protoutil/proputils.go `ComputeTxID`).
    public static func transactionID(nonce: [UInt8], creator: [UInt8]) -> String {
        var hash = SHA256()
        hash.update(nonce)
        hash.update(creator)
        return hash.finalize().hexString
    }

    /// 24 random bytes (common/crypto/random.go `NonceSize`).
    public static func randomNonce() -> [UInt8] {
        SecureRandom.bytes(24)  // OpenSSL's DRBG: no system call per proposal
    }

    /// Signs once with `identity`; a second call keeps the first signature.
    /// Throws `IdentityError` if `identity` is not the proposal's creator.
    public mutating func sign(with identity: SigningIdentity) throws {
        guard identity.creator == creator else {
            throw IdentityError("signer must be the same as the one referenced in the header")
        }
        if signature == nil { signature = try identity.sign(bytes) }
    }

    /// Installs a signature produced elsewhere (offline signing over `digest`).
    public mutating func setSignature(_ signature: [UInt8]) { self.signature = signature }

    /// The `protos.SignedProposal` to send. Calling this unsigned is a bug.
    public var signedProposal: Protos_SignedProposal {
        guard let signature else { preconditionFailure("proposal \(transactionID) is not signed") }
        var signed = Protos_SignedProposal()
        signed.proposalBytes = Data(bytes)
        signed.signature = Data(signature)
        return signed
    }

    // The headers and the invocation spec are encoded with `ProtoWriter` (same bytes as
    // SwiftProtobuf, without a heap object per message): they are built for every query.

    /// `common.ChannelHeader` of type ENDORSER_TRANSACTION with a `ChaincodeHeaderExtension`.
    private static func channelHeader(_ invocation: ChaincodeInvocation, txID: String, timestamp: Date) -> [UInt8] {
        var ext = ProtoWriter()  // protos.ChaincodeHeaderExtension
        ext.message(2) { $0.string(2, invocation.chaincodeName) }  // chaincode_id { name }
        let time = Google_Protobuf_Timestamp(date: timestamp)  // its rounding of Date, not ours
        var chdr = ProtoWriter(capacity: 128 + invocation.channelID.utf8.count)
        chdr.varint(1, Int64(Common_HeaderType.endorserTransaction.rawValue))  // type
        chdr.message(3) { ts in  // timestamp
            ts.varint(1, time.seconds)
            ts.varint(2, Int64(time.nanos))
        }
        chdr.string(4, invocation.channelID)
        chdr.string(5, txID)
        chdr.bytes(7, ext.bytes)  // extension
        return chdr.bytes
    }

    /// `protos.ChaincodeInvocationSpec { chaincode_spec { chaincode_id { name }, input { args, is_init } } }`.
    private static func invocationSpec(_ invocation: ChaincodeInvocation) -> [UInt8] {
        var spec = ProtoWriter(capacity: invocation.arguments.reduce(32 + invocation.chaincodeName.utf8.count) { $0 + $1.count + 4 })
        spec.message(1) { chaincodeSpec in
            chaincodeSpec.message(2) { $0.string(2, invocation.chaincodeName) }
            chaincodeSpec.message(3) { input in
                for argument in invocation.arguments { input.element(1, argument) }
                input.bool(3, invocation.isInit)
            }
        }
        return spec.bytes
    }
}

/// Small builders shared by proposals and seek envelopes.
enum ProtoBuilders {
    /// `common.SignatureHeader { creator, nonce }`.
    static func signatureHeader(creator: [UInt8], nonce: [UInt8]) -> [UInt8] {
        var shdr = ProtoWriter(capacity: creator.count + nonce.count + 8)
        shdr.bytes(1, creator)
        shdr.bytes(2, nonce)
        return shdr.bytes
    }
}
