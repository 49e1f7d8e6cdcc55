internal import COpenSSL

/// An EC public key (P-256 or P-384) that verifies ECDSA signatures over precomputed digests.
public struct ECPublicKey: Sendable {
    let key: EVPKey
    /// The key's curve.
    public let curve: ECCurve

    init(key: EVPKey, curve: ECCurve) {
        self.key = key
        self.curve = curve
    }

    /// Parses a DER SubjectPublicKeyInfo.
    public init(subjectPublicKeyInfoDER der: [UInt8]) throws {
        guard let key = EVPKey.publicKey(spki: der) else {
            throw CryptoError(.invalidKey, "invalid public key: not a DER SubjectPublicKeyInfo")
        }
        guard let curve = key.curve else {
            throw CryptoError(.unsupportedCurve, "unsupported public key: only EC P-256 and P-384 keys are supported")
        }
        self.init(key: key, curve: curve)
    }

    /// DER SubjectPublicKeyInfo; equal for a private key and the certificate that certifies it.
    public var subjectPublicKeyInfoDER: [UInt8] { key.subjectPublicKeyInfoDER }

    /// The uncompressed point `04 || X || Y` (Fabric CA's SKI is SHA-256 of this).
    public var uncompressedPoint: [UInt8] { key.encodedPublicPoint }

    /// Whether `signatureDER` is a valid ECDSA signature of `digest` (no hashing is applied).
    /// With `requireLowS` (Fabric's rule) a high-S signature is rejected even if it verifies.
    public func isValidSignature(_ signatureDER: [UInt8], forDigest digest: [UInt8], requireLowS: Bool = true) -> Bool {
        // Malformed DER is simply not a valid signature.
        guard let sig = try? ECDSASignature(der: signatureDER) else { return false }
        if requireLowS && !sig.isLowS(on: curve) { return false }
        guard let ctx = EVP_PKEY_CTX_new(key.pointer, nil) else { return false }
        defer { EVP_PKEY_CTX_free(ctx) }
        guard EVP_PKEY_verify_init(ctx) == 1 else { ERR_clear_error(); return false }
        let result = EVP_PKEY_verify(ctx, signatureDER, signatureDER.count, digest, digest.count)
        ERR_clear_error()
        return result == 1
    }
}
