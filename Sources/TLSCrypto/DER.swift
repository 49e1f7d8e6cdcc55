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
    static func appendLength(_ n: Int, to out: inout [UInt8]) {
        if n < 0x80 { out.append(UInt8(n)); return }
        let bytes = (n.bitWidth - n.leadingZeroBitCount + 7) / 8
        out.append(0x80 | UInt8(bytes))
        for i in stride(from: bytes - 1, through: 0, by: -1) { out.append(UInt8(truncatingIfNeeded: n >> (8 * i))) }
    }

    /// Encoded size of the INTEGER `appendInteger` writes.
    static func integerCount(_ unsigned: [UInt8]) -> Int {
        let body = integerBodyCount(unsigned)
        return 1 + (body < 0x80 ? 1 : 1 + (body.bitWidth - body.leadingZeroBitCount + 7) / 8) + body
    }

    /// INTEGER from unsigned big-endian bytes, minimal, 0x00 prefix when the top bit is set.
    static func appendInteger(_ unsigned: [UInt8], to out: inout [UInt8]) {
        let first = unsigned.firstIndex { $0 != 0 } ?? unsigned.endIndex
        out.append(0x02)
        appendLength(integerBodyCount(unsigned), to: &out)
        if first == unsigned.endIndex { out.append(0); return }  // zero
        if unsigned[first] & 0x80 != 0 { out.append(0) }  // keep it positive
        out.append(contentsOf: unsigned[first...])
    }

    private static func integerBodyCount(_ unsigned: [UInt8]) -> Int {
        guard let first = unsigned.firstIndex(where: { $0 != 0 }) else { return 1 }
        return unsigned.count - first + (unsigned[first] & 0x80 != 0 ? 1 : 0)
    }
}
