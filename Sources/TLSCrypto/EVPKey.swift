internal import COpenSSL
import Synchronization

/// Owns one `EVP_PKEY` (private or public). Immutable after creation; OpenSSL 3 allows
/// concurrent signing/verification with per-call `EVP_PKEY_CTX`s.
final class EVPKey: @unchecked Sendable {
    let pointer: OpaquePointer
    /// Signing contexts already through `EVP_PKEY_sign_init`, kept for reuse: creating and
    /// initializing one fetches the signature implementation from the provider store, a cost
    /// paid on every proposal otherwise. A context is used by one signer at a time.
    private let signingContexts = Mutex<[SigningContext]>([])
    /// An `EVP_PKEY_CTX` moving between signers; only one holds it at a time.
    private struct SigningContext: @unchecked Sendable { let pointer: OpaquePointer }
    private static let maxIdleSigningContexts = 8

    init(_ pointer: OpaquePointer) { self.pointer = pointer }

    deinit {
        for ctx in signingContexts.withLock({ $0 }) { EVP_PKEY_CTX_free(ctx.pointer) }
        EVP_PKEY_free(pointer)
    }

    /// Runs `body` with a sign-initialized context of this key, pooled. A context whose
    /// `body` failed is freed rather than reused.
    func withSigningContext<R>(_ body: (OpaquePointer) throws -> R) throws -> R {
        let ctx: OpaquePointer
        if let pooled = signingContexts.withLock({ $0.popLast() }) {
            ctx = pooled.pointer
        } else {
            guard let fresh = EVP_PKEY_CTX_new(pointer, nil) else {
                throw CryptoError(.operationFailed, "ECDSA signing failed: out of memory")
            }
            guard EVP_PKEY_sign_init(fresh) == 1 else {
                EVP_PKEY_CTX_free(fresh)
                throw CryptoError(.operationFailed, "ECDSA signing failed: \(Self.lastErrorReason())")
            }
            ctx = fresh
        }
        let result: R
        do {
            result = try body(ctx)
        } catch {
            EVP_PKEY_CTX_free(ctx)
            throw error
        }
        let returning = SigningContext(pointer: ctx)
        let kept = signingContexts.withLock { idle -> Bool in
            guard idle.count < Self.maxIdleSigningContexts else { return false }
            idle.append(returning)
            return true
        }
        if !kept { EVP_PKEY_CTX_free(ctx) }
        return result
    }

    /// The EC curve, or nil for non-EC / unsupported keys.
    var curve: ECCurve? {
        guard EVP_PKEY_get_base_id(pointer) == EVP_PKEY_EC else { return nil }
        var name = [CChar](repeating: 0, count: 64)
        var length = 0
        guard EVP_PKEY_get_group_name(pointer, &name, name.count, &length) == 1 else { return nil }
        return ECCurve(groupName: String(decoding: name.prefix(length).map { UInt8(bitPattern: $0) }, as: UTF8.self))
    }

    /// DER SubjectPublicKeyInfo.
    var subjectPublicKeyInfoDER: [UInt8] {
        var out: UnsafeMutablePointer<UInt8>?
        let n = i2d_PUBKEY(pointer, &out)
        precondition(n > 0 && out != nil, "i2d_PUBKEY failed")
        defer { copenssl_OPENSSL_free(out) }
        return Array(UnsafeBufferPointer(start: out, count: Int(n)))
    }

    /// Uncompressed EC point `04 || X || Y`.
    var encodedPublicPoint: [UInt8] {
        var out: UnsafeMutablePointer<UInt8>?
        let n = EVP_PKEY_get1_encoded_public_key(pointer, &out)
        precondition(n > 0 && out != nil, "EVP_PKEY_get1_encoded_public_key failed")
        defer { copenssl_OPENSSL_free(out) }
        return Array(UnsafeBufferPointer(start: out, count: n))
    }

    /// Parses DER SubjectPublicKeyInfo.
    static func publicKey(spki der: [UInt8]) -> EVPKey? {
        der.withUnsafeBufferPointer { buf -> EVPKey? in
            var p: UnsafePointer<UInt8>? = buf.baseAddress
            guard let key = d2i_PUBKEY(nil, &p, buf.count) else { ERR_clear_error(); return nil }
            return EVPKey(key)
        }
    }

    /// Last OpenSSL error reason (no key material), clearing the queue.
    static func lastErrorReason() -> String {
        let code = ERR_get_error()
        ERR_clear_error()
        guard code != 0, let reason = ERR_reason_error_string(code) else { return "unknown error" }
        return String(cString: reason)
    }
}
