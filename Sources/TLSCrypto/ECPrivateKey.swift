internal import COpenSSL
import Foundation

/// An EC private key (P-256 or P-384) loaded from PEM (PKCS#8 `PRIVATE KEY` or SEC1
/// `EC PRIVATE KEY`, as cryptogen / Fabric CA / bccsp accept) or freshly generated.
///
/// Signing takes a precomputed digest: Fabric signs SHA-256 digests for every curve
/// (msp/identities.go `getHashOpt`; docs/fabric-notes.md §2.2), so a P-384 key must not hash with SHA-384.
public struct ECPrivateKey: Sendable {
    let key: EVPKey
    /// The key's curve.
    public let curve: ECCurve

    /// Parses the first private-key PEM block of `pem`. Error messages never include key bytes.
    public init(pem: String) throws {
        let blocks = try PEMBlock.parseAll(pem)
        if blocks.contains(where: { $0.label == "ENCRYPTED PRIVATE KEY" }) {
            throw CryptoError(.invalidKey, "encrypted private keys are not supported")
        }
        guard let block = blocks.first(where: { $0.label == "PRIVATE KEY" || $0.label == "EC PRIVATE KEY" }) else {
            throw CryptoError(.invalidPEM, "no PEM block 'PRIVATE KEY' or 'EC PRIVATE KEY' found")
        }
        try self.init(der: block.der)
    }

    /// Parses DER PKCS#8 PrivateKeyInfo or SEC1 ECPrivateKey.
    public init(der: [UInt8]) throws {
        let parsed = der.withUnsafeBufferPointer { buf -> OpaquePointer? in
            var p: UnsafePointer<UInt8>? = buf.baseAddress
            return d2i_AutoPrivateKey(nil, &p, buf.count)
        }
        guard let parsed else {
            ERR_clear_error()
            throw CryptoError(.invalidKey, "invalid private key: not a PKCS#8 or SEC1 EC key")
        }
        let key = EVPKey(parsed)
        guard let curve = key.curve else {
            throw CryptoError(.unsupportedCurve, "unsupported private key: only EC P-256 and P-384 keys are supported")
        }
        self.key = key
        self.curve = curve
    }

    /// Generates a new random key.
    public init(generating curve: ECCurve) {
        guard let pkey = copenssl_EC_generate(curve.groupName) else {
            preconditionFailure("EC key generation failed: \(EVPKey.lastErrorReason())")
        }
        self.key = EVPKey(pkey)
        self.curve = curve
    }

    /// The matching public key.
    public var publicKey: ECPublicKey {
        guard let pub = EVPKey.publicKey(spki: key.subjectPublicKeyInfoDER) else {
            preconditionFailure("cannot re-read our own public key")
        }
        return ECPublicKey(key: pub, curve: curve)
    }

    /// PKCS#8 PEM (`-----BEGIN PRIVATE KEY-----`), as cryptogen writes `keystore/priv_sk`.
    public var pkcs8PEM: String {
        guard let info = EVP_PKEY2PKCS8(key.pointer) else { preconditionFailure("EVP_PKEY2PKCS8 failed") }
        defer { PKCS8_PRIV_KEY_INFO_free(info) }
        var out: UnsafeMutablePointer<UInt8>?
        let n = i2d_PKCS8_PRIV_KEY_INFO(info, &out)
        precondition(n > 0 && out != nil, "i2d_PKCS8_PRIV_KEY_INFO failed")
        defer { copenssl_OPENSSL_free(out) }
        return PEMBlock(label: "PRIVATE KEY", der: Array(UnsafeBufferPointer(start: out, count: Int(n)))).pemString
    }

    /// Signs `digest` (already hashed; not hashed again) and returns the low-S signature.
    public func signature(forDigest digest: [UInt8]) throws -> ECDSASignature {
        // ECDSA-Sig-Value of P-384 is at most 104 bytes; OpenSSL checks the buffer size.
        var der = [UInt8](repeating: 0, count: 2 * curve.scalarBytes + 16)
        let length = try key.withSigningContext { ctx -> Int in
            var length = der.count
            guard EVP_PKEY_sign(ctx, &der, &length, digest, digest.count) == 1 else {
                throw CryptoError(.operationFailed, "ECDSA signing failed: \(EVPKey.lastErrorReason())")
            }
            return length
        }
        der.removeSubrange(length...)
        return try ECDSASignature(der: der).normalizedToLowS(on: curve)
    }

    /// SHA-256 of `message`, signed: what Fabric calls sign(x). DER, low-S.
    public func signSHA256<Bytes: ContiguousBytes>(_ message: Bytes) throws -> [UInt8] {
        try signature(forDigest: SHA256.hash(message)).derRepresentation
    }
}
