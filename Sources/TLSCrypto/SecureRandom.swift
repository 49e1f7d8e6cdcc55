internal import COpenSSL

/// Cryptographically secure random bytes from OpenSSL's DRBG (seeded from the kernel, reseeded
/// by OpenSSL, fork-safe). Unlike `SystemRandomNumberGenerator` it makes no system call per
/// draw, which matters on paths that draw per request (proposal nonces).
public enum SecureRandom {
    public static func bytes(_ count: Int) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: count)
        guard count > 0 else { return out }
        let ok = out.withUnsafeMutableBytes { RAND_bytes($0.baseAddress!.assumingMemoryBound(to: UInt8.self), Int32(count)) }
        // RAND_bytes fails only when the DRBG cannot be seeded at all; nothing safe to fall back to.
        precondition(ok == 1, "OpenSSL RAND_bytes failed: no entropy source")
        return out
    }
}
