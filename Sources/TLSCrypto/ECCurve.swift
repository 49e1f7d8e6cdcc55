/// The elliptic curves Fabric identities use (bccsp: P-256 default, P-384 possible).
public enum ECCurve: String, Sendable, Hashable, CaseIterable {
    case p256 = "P-256"
    case p384 = "P-384"

    /// OpenSSL group name.
    var groupName: String {
        switch self {
        case .p256: "prime256v1"
        case .p384: "secp384r1"
        }
    }

    init?(groupName: String) {
        switch groupName {
        case "prime256v1", "P-256", "secp256r1": self = .p256
        case "secp384r1", "P-384": self = .p384
        default: return nil
        }
    }

    /// Size of a scalar (r, s, private key) in bytes.
    public var scalarBytes: Int {
        switch self {
        case .p256: 32
        case .p384: 48
        }
    }

    /// The group order n, big-endian (docs/fabric-notes.md §2.2).
    public var order: [UInt8] {
        switch self {
        case .p256: Self.p256Order
        case .p384: Self.p384Order
        }
    }

    /// n >> 1: the largest `s` a Fabric verifier accepts.
    public var halfOrder: [UInt8] {
        switch self {
        case .p256: Self.p256HalfOrder
        case .p384: Self.p384HalfOrder
        }
    }

    // Computed once: every signature is checked against the half order.
    private static let p256Order = hexBytes("FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551")
    private static let p384Order =
        hexBytes("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFC7634D81F4372DDF581A0DB248B0A77AECEC196ACCC52973")
    private static let p256HalfOrder = shiftedRight(p256Order)
    private static let p384HalfOrder = shiftedRight(p384Order)

    private static func shiftedRight(_ value: [UInt8]) -> [UInt8] {
        var out = value
        var carry: UInt8 = 0
        for i in out.indices {
            let byte = out[i]
            out[i] = (byte >> 1) | (carry << 7)
            carry = byte & 1
        }
        return out
    }
}

func hexBytes(_ hex: String) -> [UInt8] {
    let chars = Array(hex.utf8)
    precondition(chars.count % 2 == 0, "odd hex length")
    return stride(from: 0, to: chars.count, by: 2).map { i in
        UInt8(String(decoding: chars[i..<i + 2], as: UTF8.self), radix: 16)!
    }
}
