/// Minimal DER reading/writing for the few structures parsed in Swift (ECDSA-Sig-Value).
struct DERReader {
    private let bytes: [UInt8]
    private var index = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var isAtEnd: Bool { index == bytes.count }

    /// Reads one TLV with `tag`; returns a reader over its contents.
    mutating func read(tag: UInt8) -> DERReader? {
        guard index < bytes.count, bytes[index] == tag, index + 1 < bytes.count else { return nil }
        var i = index + 1
        var length = Int(bytes[i])
        i += 1
        if length & 0x80 != 0 {
            let count = length & 0x7f
            guard count >= 1, count <= 4, i + count <= bytes.count else { return nil }
            length = 0
            for _ in 0..<count { length = length << 8 | Int(bytes[i]); i += 1 }
            guard length >= 0x80 else { return nil }  // DER: long form only when needed
        }
        guard length <= bytes.count - i else { return nil }
        index = i + length
        return DERReader(Array(bytes[i..<i + length]))
    }

    /// Reads a positive INTEGER as unsigned big-endian bytes (leading zeros stripped).
    mutating func readInteger() -> [UInt8]? {
        guard let inner = read(tag: 0x02), !inner.bytes.isEmpty else { return nil }
        let value = inner.bytes
        if value[0] & 0x80 != 0 { return nil }  // negative
        if value.count > 1, value[0] == 0, value[1] & 0x80 == 0 { return nil }  // not minimal
        return BigEndian.trimmed(value)
    }
}

enum DERWriter {
    static func length(_ n: Int) -> [UInt8] {
        if n < 0x80 { return [UInt8(n)] }
        var bytes: [UInt8] = []
        var v = n
        while v > 0 { bytes.insert(UInt8(v & 0xff), at: 0); v >>= 8 }
        return [0x80 | UInt8(bytes.count)] + bytes
    }

    /// INTEGER from unsigned big-endian bytes, minimal, 0x00 prefix when the top bit is set.
    static func integer(_ unsigned: [UInt8]) -> [UInt8] {
        var body = BigEndian.trimmed(unsigned)
        if body.isEmpty { body = [0] } else if body[0] & 0x80 != 0 { body.insert(0, at: 0) }
        return [0x02] + length(body.count) + body
    }
}
