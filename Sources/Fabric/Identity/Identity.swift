import FabricProtos
import Foundation
import SwiftProtobuf
import TLSCrypto

/// A Fabric client identity: MSP ID plus the PEM text of its X.509 signing certificate.
///
/// `serialized` (a `msp.SerializedIdentity`) is the creator in every header; the certificate
/// bytes are kept exactly as given, because peers compare and hash them verbatim
/// (docs/fabric-notes.md §2.1).
public struct Identity: Sendable, Hashable {
    /// The organisation's MSP ID, e.g. `Org1MSP` (from configuration, not from the cert).
    public let mspID: String
    /// The certificate PEM bytes, verbatim.
    public let certificatePEM: [UInt8]
    /// The parsed certificate.
    public let certificate: X509Certificate

    /// Throws `IdentityError` if the PEM holds no parsable certificate or the MSP ID is empty.
    public init(mspID: String, certificatePEM: [UInt8]) throws {
        guard !mspID.isEmpty else { throw IdentityError("MSP ID must not be empty") }
        do {
            certificate = try X509Certificate(pem: String(decoding: certificatePEM, as: UTF8.self))
        } catch let error as CryptoError {
            throw IdentityError("invalid identity certificate: \(error.message)")
        }
        self.mspID = mspID
        self.certificatePEM = certificatePEM
        var identity = Msp_SerializedIdentity()
        identity.mspid = mspID
        identity.idBytes = Data(certificatePEM)
        serialized = identity.encodedBytes()
    }

    /// `msp.SerializedIdentity{mspid, id_bytes}` bytes: the `creator` of headers (encoded once:
    /// every proposal and transaction carries it).
    public let serialized: [UInt8]

    /// The NodeOU role from the certificate's subject OU, if any.
    public var role: NodeOURole? { certificate.nodeOU }

    /// Decodes a `SerializedIdentity` (e.g. an endorser) back into an identity.
    public init(serialized: [UInt8]) throws {
        let identity: Msp_SerializedIdentity
        do {
            identity = try Msp_SerializedIdentity(serializedBytes: serialized)
        } catch {
            throw IdentityError("invalid serialized identity: \(error)")
        }
        try self.init(mspID: identity.mspid, certificatePEM: Array(identity.idBytes))
    }
}
