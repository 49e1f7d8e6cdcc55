/// Encoders/decoders for gRPC header values (docs/fabric-notes.md §12.1).
enum GRPCHeaderValues {
    /// Decodes a `grpc-message`: `%XX` escapes to bytes, then UTF-8 (invalid sequences become
    /// U+FFFD). A malformed escape is kept literally, as grpc-go does.
    static func percentDecode(_ value: String) -> String {
        let bytes = Array(value.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = 0
        while i < bytes.count {
            if bytes[i] == UInt8(ascii: "%"), i + 2 < bytes.count,
               let high = hexValue(bytes[i + 1]), let low = hexValue(bytes[i + 2]) {
                out.append(high << 4 | low)
                i += 3
            } else {
                out.append(bytes[i])
                i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func hexValue(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
        default: return nil
        }
    }

    /// Encodes a timeout as `grpc-timeout`: at most 8 digits, the finest unit that fits,
    /// rounded up so the server never sees a shorter deadline than ours.
    static func timeout(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        let nanos = max(0, seconds) * 1_000_000_000 + max(0, attoseconds) / 1_000_000_000
        let units: [(Int64, Character)] = [
            (1, "n"), (1_000, "u"), (1_000_000, "m"), (1_000_000_000, "S"),
            (60_000_000_000, "M"), (3_600_000_000_000, "H"),
        ]
        for (size, unit) in units {
            let value = (nanos + size - 1) / size
            if value <= 99_999_999 { return "\(value)\(unit)" }
        }
        return "99999999H"
    }
}
