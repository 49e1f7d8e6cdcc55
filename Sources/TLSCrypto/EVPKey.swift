internal import COpenSSL

/// Owns one `EVP_PKEY` (private or public). Immutable after creation; OpenSSL 3 allows
/// concurrent signing/verification with per-call `EVP_PKEY_CTX`s.
final class EVPKey: @unchecked Sendable {
    let pointer: OpaquePointer

    init(_ pointer: OpaquePointer) { self.pointer = pointer }

    deinit { EVP_PKEY_free(pointer) }

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
