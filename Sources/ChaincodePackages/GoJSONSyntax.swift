/// Validates JSON syntax and reports the first error in the words of Go's `encoding/json`
/// scanner (`checkValid`), which the peer runs before decoding: "unexpected end of JSON input",
/// "invalid character 'x' looking for beginning of value", ... (encoding/json/scanner.go).
struct GoJSONSyntax {
    private let bytes: [UInt8]
    private var i = 0
    /// Byte ranges of the top-level object's keys (between the quotes), in document order.
    private var topLevelKeyRanges: [Range<Int>] = []

    /// Deeper nesting is refused (Go allows 10000; a metadata file never nests more than 2).
    static let maxDepth = 500

    private struct Failure: Error { let message: String }

    /// nil when `bytes` is one valid JSON value, else Go's message for the first error.
    static func firstError(_ bytes: [UInt8]) -> String? {
        scan(bytes).error
    }

    /// Checks `bytes`; also returns the raw top-level object keys in document order (escapes
    /// not yet decoded), which Go's decoder applies one after the other.
    static func scan(_ bytes: [UInt8]) -> (error: String?, rawKeys: [ArraySlice<UInt8>]) {
        var scanner = GoJSONSyntax(bytes: bytes)
        do {
            try scanner.value(depth: 0)
            scanner.skipSpace()
            if let c = scanner.peek() { return (invalid(c, "after top-level value").message, []) }
            return (nil, scanner.topLevelKeyRanges.map { bytes[$0] })
        } catch {
            return ((error as? Failure)?.message ?? "invalid JSON", [])
        }
    }

    private init(bytes: [UInt8]) { self.bytes = bytes }

    private func peek() -> UInt8? { i < bytes.count ? bytes[i] : nil }

    private mutating func next() throws -> UInt8 {
        guard i < bytes.count else { throw Failure(message: "unexpected end of JSON input") }
        defer { i += 1 }
        return bytes[i]
    }

    private mutating func skipSpace() {
        while let c = peek(), c == 0x20 || c == 0x09 || c == 0x0a || c == 0x0d { i += 1 }
    }

    private mutating func value(depth: Int) throws {
        skipSpace()
        let c = try next()
        switch c {
        case UInt8(ascii: "{"): try object(depth: depth + 1)
        case UInt8(ascii: "["): try array(depth: depth + 1)
        case UInt8(ascii: "\""): try string()
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): try number(first: c)
        case UInt8(ascii: "t"): try literal("true")
        case UInt8(ascii: "f"): try literal("false")
        case UInt8(ascii: "n"): try literal("null")
        default: throw Self.invalid(c, "looking for beginning of value")
        }
    }

    private mutating func object(depth: Int) throws {
        guard depth <= Self.maxDepth else { throw Failure(message: "exceeded max depth") }
        skipSpace()
        if peek() == UInt8(ascii: "}") { i += 1; return }
        while true {
            skipSpace()
            let quote = try next()
            guard quote == UInt8(ascii: "\"") else { throw Self.invalid(quote, "looking for beginning of object key string") }
            let keyStart = i
            try string()
            if depth == 1 { topLevelKeyRanges.append(keyStart..<(i - 1)) }
            skipSpace()
            let colon = try next()
            guard colon == UInt8(ascii: ":") else { throw Self.invalid(colon, "after object key") }
            try value(depth: depth)
            skipSpace()
            let c = try next()
            if c == UInt8(ascii: "}") { return }
            guard c == UInt8(ascii: ",") else { throw Self.invalid(c, "after object key:value pair") }
        }
    }

    private mutating func array(depth: Int) throws {
        guard depth <= Self.maxDepth else { throw Failure(message: "exceeded max depth") }
        skipSpace()
        if peek() == UInt8(ascii: "]") { i += 1; return }
        while true {
            try value(depth: depth)
            skipSpace()
            let c = try next()
            if c == UInt8(ascii: "]") { return }
            guard c == UInt8(ascii: ",") else { throw Self.invalid(c, "after array element") }
        }
    }

    private mutating func string() throws {
        while true {
            let c = try next()
            if c == UInt8(ascii: "\"") { return }
            if c < 0x20 { throw Self.invalid(c, "in string literal") }
            guard c == UInt8(ascii: "\\") else { continue }
            let escape = try next()
            if Array("\"\\/bfnrt".utf8).contains(escape) { continue }
            guard escape == UInt8(ascii: "u") else { throw Self.invalid(escape, "in string escape code") }
            for _ in 0..<4 {
                let h = try next()
                guard Self.isHex(h) else { throw Self.invalid(h, "in \\u hexadecimal character escape") }
            }
        }
    }

    private mutating func number(first: UInt8) throws {
        var c = first
        if c == UInt8(ascii: "-") {
            c = try next()
            guard Self.isDigit(c) else { throw Self.invalid(c, "in numeric literal") }
        }
        if c != UInt8(ascii: "0") { skipDigits() }
        if peek() == UInt8(ascii: ".") {
            i += 1
            let d = try next()
            guard Self.isDigit(d) else { throw Self.invalid(d, "after decimal point in numeric literal") }
            skipDigits()
        }
        if peek() == UInt8(ascii: "e") || peek() == UInt8(ascii: "E") {
            i += 1
            var d = try next()
            if d == UInt8(ascii: "+") || d == UInt8(ascii: "-") { d = try next() }
            guard Self.isDigit(d) else { throw Self.invalid(d, "in exponent of numeric literal") }
            skipDigits()
        }
    }

    private mutating func skipDigits() {
        while let c = peek(), Self.isDigit(c) { i += 1 }
    }

    private mutating func literal(_ word: String) throws {
        for expected in word.utf8.dropFirst() {
            let c = try next()
            guard c == expected else {
                throw Self.invalid(c, "in literal \(word) (expecting \(Self.quote(expected)))")
            }
        }
    }

    private static func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }

    private static func isHex(_ c: UInt8) -> Bool {
        isDigit(c) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66)
    }

    private static func invalid(_ c: UInt8, _ context: String) -> Failure {
        Failure(message: "invalid character \(quote(c)) \(context)")
    }

    /// Go's `quoteChar`: the byte taken as a rune, quoted by `strconv.Quote` between single quotes.
    static func quote(_ c: UInt8) -> String {
        switch c {
        case UInt8(ascii: "'"): return "'\\''"
        case UInt8(ascii: "\""): return "'\"'"
        case UInt8(ascii: "\\"): return "'\\\\'"
        case 0x07: return "'\\a'"
        case 0x08: return "'\\b'"
        case 0x0c: return "'\\f'"
        case 0x0a: return "'\\n'"
        case 0x0d: return "'\\r'"
        case 0x09: return "'\\t'"
        case 0x0b: return "'\\v'"
        case 0..<0x20, 0x7f: return "'\\x" + hex2(c) + "'"
        case 0x80...0xa0, 0xad: return "'\\u00" + hex2(c) + "'"
        default: return "'" + String(Character(Unicode.Scalar(c))) + "'"
        }
    }

    private static func hex2(_ c: UInt8) -> String {
        let digits = Array("0123456789abcdef")
        return String([digits[Int(c >> 4)], digits[Int(c & 0x0f)]])
    }
}
