/// The strict grammar of a chunk-size line (RFC 9112 §7.1 and §7.1.1), without its CRLF:
///
///     chunk-size [ chunk-ext ]
///     chunk-size     = 1*HEXDIG
///     chunk-ext      = *( BWS ";" BWS chunk-ext-name [ BWS "=" BWS chunk-ext-val ] )
///     chunk-ext-name = token
///     chunk-ext-val  = token / quoted-string
///
/// Anything else (stray words, control bytes, a bare CR, trailing whitespace without an
/// extension) is refused: a lenient reading is how two parsers come to disagree about where a
/// chunk ends (request smuggling). Extensions are validated, then ignored (§7.1.1).
enum ChunkSizeLine {
    /// Hex digits after leading zeros: 15 keeps the size below 2^60, far past any body limit.
    static let maxSignificantDigits = 15

    /// The chunk size that `line` declares.
    static func parse(_ line: UnsafeRawBufferPointer) throws(HTTPParseError) -> Int {
        var i = 0, size = 0, significant = 0
        while i < line.count, let v = HTTPRequestParser.hexValue(line[i]) {
            if significant > 0 || v > 0 { significant += 1 }
            guard significant <= maxSignificantDigits else { throw .bad("chunk size too large") }
            size = size << 4 | v
            i += 1
        }
        guard i > 0 else { throw .bad("invalid chunk size") }
        guard i == line.count || isBWS(line[i]) || line[i] == semicolon else { throw .bad("invalid chunk size") }
        while i < line.count {
            i = try extensionEnd(line, from: i)
        }
        return size
    }

    /// Index just past one `BWS ";" BWS name [ BWS "=" BWS value ]` starting at `start`.
    private static func extensionEnd(_ line: UnsafeRawBufferPointer, from start: Int) throws(HTTPParseError) -> Int {
        var i = skipBWS(line, from: start)
        guard i < line.count, line[i] == semicolon else { throw .bad("invalid chunk extension") }
        i = skipBWS(line, from: i + 1)
        let nameStart = i
        while i < line.count, HTTPHeadParser.isTokenChar(line[i]) { i += 1 }
        guard i > nameStart else { throw .bad("invalid chunk extension") }
        let afterName = i
        i = skipBWS(line, from: i)
        guard i < line.count, line[i] == equals else { return afterName }
        i = skipBWS(line, from: i + 1)
        guard i < line.count else { throw .bad("invalid chunk extension") }
        if line[i] == quote { return try quotedStringEnd(line, from: i) }
        let valueStart = i
        while i < line.count, HTTPHeadParser.isTokenChar(line[i]) { i += 1 }
        guard i > valueStart else { throw .bad("invalid chunk extension") }
        return i
    }

    /// Index just past the quoted-string (RFC 9110 §5.6.4) opening at `start`.
    private static func quotedStringEnd(_ line: UnsafeRawBufferPointer, from start: Int) throws(HTTPParseError) -> Int {
        var i = start + 1
        while i < line.count {
            let c = line[i]
            if c == quote { return i + 1 }
            if c == backslash {
                // quoted-pair = "\" ( HTAB / SP / VCHAR / obs-text )
                guard i + 1 < line.count, isQuotedPairChar(line[i + 1]) else { throw .bad("invalid chunk extension") }
                i += 2
                continue
            }
            // qdtext = HTAB / SP / %x21 / %x23-5B / %x5D-7E / obs-text
            guard c == 0x09 || (c >= 0x20 && c != 0x7f) else { throw .bad("invalid chunk extension") }
            i += 1
        }
        throw .bad("invalid chunk extension")
    }

    private static func skipBWS(_ line: UnsafeRawBufferPointer, from start: Int) -> Int {
        var i = start
        while i < line.count, isBWS(line[i]) { i += 1 }
        return i
    }

    /// BWS = OWS = *( SP / HTAB ) (RFC 9110 §5.6.3).
    private static func isBWS(_ c: UInt8) -> Bool { c == 0x20 || c == 0x09 }
    private static func isQuotedPairChar(_ c: UInt8) -> Bool { c == 0x09 || (c >= 0x20 && c != 0x7f) }

    private static let semicolon = UInt8(ascii: ";")
    private static let equals = UInt8(ascii: "=")
    private static let quote = UInt8(ascii: "\"")
    private static let backslash = UInt8(ascii: "\\")
}
