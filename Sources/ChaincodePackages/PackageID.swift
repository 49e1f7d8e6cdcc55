import TLSCrypto

/// Fabric package IDs (persistence.PackageID): `label + ":" + hex(SHA-256(file))`.
public enum PackageID {
    public static func make(label: String, sha256Hex: String) -> String { label + ":" + sha256Hex }

    /// Package ID of in-memory package bytes.
    public static func make(label: String, packageBytes: [UInt8]) -> String {
        make(label: label, sha256Hex: SHA256.hash(packageBytes).hexString)
    }
}
