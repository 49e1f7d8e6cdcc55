/// An ECDSA signature `(r, s)` with DER encoding and Fabric's low-S rule.
///
/// Fabric verifiers reject `s > n/2` (bccsp/utils/ecdsa.go `IsLowS`), so every signature we
/// produce is normalized: if `s > n >> 1` then `s = n - s` (`ToLowS`).
public struct ECDSASignature: Sendable, Hashable {
    /// Big-endian unsigned integers without leading zero bytes.
    public let r: [UInt8]
    public let s: [UInt8]

    public init(r: [UInt8], s: [UInt8]) {
        self.r = BigEndian.trimmed(r)
        self.s = BigEndian.trimmed(s)
    }

    /// Parses DER `SEQUENCE { INTEGER r, INTEGER s }`.
    public init(der: [UInt8]) throws {
        var reader = DERReader(der)
        guard var seq = reader.read(tag: 0x30), reader.isAtEnd,
              let r = seq.readInteger(), let s = seq.readInteger(), seq.isAtEnd else {
            throw CryptoError(.invalidSignature, "signature is not a DER ECDSA-Sig-Value")
        }
        self.init(r: r, s: s)
    }

    /// DER `SEQUENCE { INTEGER r, INTEGER s }`, minimal encoding (Go `asn1.Marshal`).
    public var derRepresentation: [UInt8] {
        let bodyCount = DERWriter.integerCount(r) + DERWriter.integerCount(s)
        var out: [UInt8] = []
        out.reserveCapacity(bodyCount + 6)
        out.append(0x30)
        DERWriter.appendLength(bodyCount, to: &out)
        DERWriter.appendInteger(r, to: &out)
        DERWriter.appendInteger(s, to: &out)
        return out
    }

    /// Whether `s <= n >> 1` for `curve`.
    public func isLowS(on curve: ECCurve) -> Bool {
        BigEndian.compare(s, curve.halfOrder) <= 0
    }

    /// The same signature with `s` replaced by `n - s` when it is high.
    public func normalizedToLowS(on curve: ECCurve) -> ECDSASignature {
        if isLowS(on: curve) { return self }
        return ECDSASignature(r: r, s: BigEndian.subtract(curve.order, s))
    }
}

/// Unsigned big-endian integer helpers on byte arrays.
enum BigEndian {
    static func trimmed(_ value: [UInt8]) -> [UInt8] {
        Array(value.drop(while: { $0 == 0 }))
    }

    static func compare(_ a: [UInt8], _ b: [UInt8]) -> Int {
        let x = trimmed(a), y = trimmed(b)
        if x.count != y.count { return x.count < y.count ? -1 : 1 }
        for (p, q) in zip(x, y) where p != q { return p < q ? -1 : 1 }
        return 0
    }

    /// a - b for a >= b.
    static func subtract(_ a: [UInt8], _ b: [UInt8]) -> [UInt8] {
        precondition(compare(a, b) >= 0, "subtract underflow")
        var out = a
        let bb = [UInt8](repeating: 0, count: max(0, a.count - b.count)) + trimmed(b)
        var borrow = 0
        for i in stride(from: out.count - 1, through: 0, by: -1) {
            var v = Int(out[i]) - Int(i < bb.count ? bb[i] : 0) - borrow
            borrow = v < 0 ? 1 : 0
            if v < 0 { v += 256 }
            out[i] = UInt8(v)
        }
        return trimmed(out)
    }
}
