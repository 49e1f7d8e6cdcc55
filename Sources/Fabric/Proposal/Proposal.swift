import FabricProtos
import Foundation
import SwiftProtobuf
import TLSCrypto

/// An unsigned or signed chaincode proposal (fabric-protocol.md section 2).
///
/// Keeps the exact header and input bytes, because the transaction re-uses them verbatim
/// (section 3.4). `sign(with:)` is idempotent; `setSignature(_:)` supports offline signing.
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

    /// Builds the proposal (section 2.2). `nonce` and `timestamp` are injectable for tests;
    /// by default a fresh 24-byte random nonce and the current time.
    public init(_ invocation: ChaincodeInvocation, creator: Identity, nonce: [UInt8]? = nil, timestamp: Date = Date()) {
        let nonce = nonce ?? Self.randomNonce()
        precondition(!nonce.isEmpty, "nonce must not be empty")
        let creatorBytes = creator.serialized
        let txID = Self.transactionID(nonce: nonce, creator: creatorBytes)
        let chdr = Self.channelHeader(invocation, txID: txID, timestamp: timestamp)
        let shdr = ProtoBuilders.signatureHeader(creator: creatorBytes, nonce: nonce)
        let input = Self.invocationSpec(invocation)
        var payload = Protos_ChaincodeProposalPayload()
        payload.input = Data(input)
        payload.transientMap = invocation.transientData.mapValues { Data($0) }
        var header = Common_Header()
        header.channelHeader = Data(chdr)
        header.signatureHeader = Data(shdr)
        var proposal = Protos_Proposal()
        proposal.header = Data(header.encodedBytes())
        proposal.payload = Data(payload.encodedBytes())
        self.transactionID = txID
        self.channelID = invocation.channelID
        self.chaincodeName = invocation.chaincodeName
        self.bytes = proposal.encodedBytes()
        self.channelHeader = chdr
        self.signatureHeader = shdr
        self.chaincodeInput = input
        self.hasTransientData = !invocation.transientData.isEmpty
        self.creator = creatorBytes
    }

    /// `hex(SHA-256(nonce || creator))`, lowercase (section 2.3).
    public static func transactionID(nonce: [UInt8], creator: [UInt8]) -> String {
        SHA256.hash(nonce + creator).hexString
    }

    /// 24 random bytes (common/crypto/random.go `NonceSize`).
    public static func randomNonce() -> [UInt8] {
        // Three 64-bit draws (one getrandom each), not 24 one-byte draws.
        var rng = SystemRandomNumberGenerator()
        var nonce = [UInt8](repeating: 0, count: 24)
        nonce.withUnsafeMutableBytes { raw in
            for i in 0..<3 { raw.storeBytes(of: rng.next() as UInt64, toByteOffset: i * 8, as: UInt64.self) }
        }
        return nonce
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

    private static func channelHeader(_ invocation: ChaincodeInvocation, txID: String, timestamp: Date) -> [UInt8] {
        var ext = Protos_ChaincodeHeaderExtension()
        ext.chaincodeID.name = invocation.chaincodeName
        var chdr = Common_ChannelHeader()
        chdr.type = Int32(Common_HeaderType.endorserTransaction.rawValue)
        chdr.timestamp = Google_Protobuf_Timestamp(date: timestamp)
        chdr.channelID = invocation.channelID
        chdr.txID = txID
        chdr.extension = Data(ext.encodedBytes())
        return chdr.encodedBytes()
    }

    private static func invocationSpec(_ invocation: ChaincodeInvocation) -> [UInt8] {
        var spec = Protos_ChaincodeInvocationSpec()
        spec.chaincodeSpec.chaincodeID.name = invocation.chaincodeName
        spec.chaincodeSpec.input.args = invocation.arguments.map { Data($0) }
        spec.chaincodeSpec.input.isInit = invocation.isInit
        return spec.encodedBytes()
    }
}

/// Small builders shared by proposals and seek envelopes.
enum ProtoBuilders {
    static func signatureHeader(creator: [UInt8], nonce: [UInt8]) -> [UInt8] {
        var shdr = Common_SignatureHeader()
        shdr.creator = Data(creator)
        shdr.nonce = Data(nonce)
        return shdr.encodedBytes()
    }
}
