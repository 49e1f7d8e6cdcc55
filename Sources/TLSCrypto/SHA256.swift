internal import COpenSSL
import Foundation

/// Incremental SHA-256 (OpenSSL EVP). Used for package IDs, token hashes and Fabric tx IDs.
public struct SHA256: ~Copyable {
    private let ctx: OpaquePointer

    public init() {
        guard let ctx = EVP_MD_CTX_new() else { fatalError("EVP_MD_CTX_new: out of memory") }
        precondition(EVP_DigestInit_ex(ctx, SHA256.algorithm, nil) == 1, "EVP_DigestInit_ex(sha256) failed")
        self.ctx = ctx
    }

    deinit { EVP_MD_CTX_free(ctx) }

    /// Fetched once: `EVP_sha256()` would make OpenSSL 3 look the implementation up on every init.
    nonisolated(unsafe) private static let algorithm: OpaquePointer? = EVP_MD_fetch(nil, "SHA256", nil) ?? EVP_sha256()

    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        precondition(EVP_DigestUpdate(ctx, base, bytes.count) == 1, "EVP_DigestUpdate failed")
    }

    public mutating func update<Bytes: ContiguousBytes>(_ bytes: Bytes) {
        bytes.withUnsafeBytes { update($0) }
    }

    /// Returns the 32-byte digest. Consumes the hasher.
    public consuming func finalize() -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 32)
        var len: UInt32 = 0
        out.withUnsafeMutableBufferPointer { buf in
            precondition(EVP_DigestFinal_ex(ctx, buf.baseAddress, &len) == 1 && len == 32, "EVP_DigestFinal_ex failed")
        }
        return out
    }

    /// One-shot digest.
    public static func hash<Bytes: ContiguousBytes>(_ bytes: Bytes) -> [UInt8] {
        var h = SHA256()
        h.update(bytes)
        return h.finalize()
    }
}

extension Sequence where Element == UInt8 {
    /// Lowercase hexadecimal, as Fabric prints package IDs and tx IDs.
    public var hexString: String {
        let bytes = Array(self)
        return String(unsafeUninitializedCapacity: bytes.count * 2) { out in
            for (i, b) in bytes.enumerated() {
                out[2 * i] = hexDigit(b >> 4)
                out[2 * i + 1] = hexDigit(b & 0x0f)
            }
            return bytes.count * 2
        }
    }
}

@inline(__always)
private func hexDigit(_ nibble: UInt8) -> UInt8 {
    nibble < 10 ? 0x30 + nibble : 0x57 + nibble  // '0'...'9', 'a'...'f'
}
