extension MultipartParser {
    /// The boundary parameter of a `multipart/form-data` Content-Type (RFC 2046 §5.1.1:
    /// 1-70 characters from bchars, not ending in a space), quoted or not.
    public static func boundary(contentType: String) throws -> String {
        let parts = MultipartPartHeaders.splitParameters(contentType)
        guard let type = parts.first?.lowercased().trimmingOWS, type == "multipart/form-data" else {
            throw MultipartError.notMultipart
        }
        let parameters = try MultipartPartHeaders.parameters(parts.dropFirst())
        guard let boundary = parameters["boundary"], (1...70).contains(boundary.utf8.count),
              !boundary.hasSuffix(" "),
              boundary.utf8.allSatisfy({ isBoundaryCharacter($0) })
        else { throw MultipartError.invalidBoundary }
        return boundary
    }

    private static func isBoundaryCharacter(_ c: UInt8) -> Bool {
        // bchars := DIGIT / ALPHA / "'" / "(" / ")" / "+" / "_" / "," / "-" / "." / "/" / ":" / "=" / "?" / " "
        (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a)
            || Array("'()+_,-./:=? ".utf8).contains(c)
    }
}

extension MultipartPartHeaders {
    /// Parses the header block (lines separated by CRLF, without the final blank line).
    static func parse(_ bytes: ArraySlice<UInt8>) throws -> MultipartPartHeaders {
        var fields: [(name: String, value: String)] = []
        for line in crlfLines(bytes) where !line.isEmpty {
            guard let colon = line.firstIndex(of: ":"), colon != line.startIndex,
                  !line.first!.isWhitespace,  // obsolete line folding is not accepted (RFC 7578 §4.8)
                  line[..<colon].allSatisfy({ $0.isASCII && !$0.isWhitespace })
            else { throw MultipartError.malformedPartHeader }
            fields.append((String(line[..<colon]), String(line[line.index(after: colon)...]).trimmingOWS))
        }
        var headers = MultipartPartHeaders(fields: fields, name: nil, filename: nil)
        if let disposition = headers.value(for: "Content-Disposition") {
            let parts = splitParameters(disposition)
            let parameters = try self.parameters(parts.dropFirst())
            headers.name = parameters["name"]
            headers.filename = parameters["filename"]
        }
        return headers
    }

    /// Splits on ";" outside quoted strings.
    static func splitParameters(_ value: String) -> [String] {
        var parts: [String] = []
        var current = ""
        var quoted = false
        var escaped = false
        for c in value {
            if escaped { escaped = false; current.append(c); continue }
            if quoted && c == "\\" { escaped = true; current.append(c); continue }
            if c == "\"" { quoted.toggle() }
            if c == ";" && !quoted { parts.append(current); current = "" } else { current.append(c) }
        }
        parts.append(current)
        return parts
    }

    /// `key=token` or `key="quoted \" string"`; keys lower-cased; first occurrence wins.
    static func parameters<S: Sequence>(_ parts: S) throws -> [String: String] where S.Element == String {
        var result: [String: String] = [:]
        for part in parts {
            let trimmed = part.trimmingOWS
            if trimmed.isEmpty { continue }
            guard let eq = trimmed.firstIndex(of: "=") else { throw MultipartError.malformedPartHeader }
            let key = trimmed[..<eq].trimmingOWS.lowercased()
            var value = trimmed[trimmed.index(after: eq)...].trimmingOWS
            if value.hasPrefix("\"") {
                guard value.count >= 2, value.hasSuffix("\"") else { throw MultipartError.malformedPartHeader }
                value = unquote(String(value.dropFirst().dropLast()))
            }
            if result[key] == nil { result[key] = value }
        }
        return result
    }

    private static func unquote(_ s: String) -> String {
        var out = ""
        var escaped = false
        for c in s {
            if escaped { out.append(c); escaped = false } else if c == "\\" { escaped = true } else { out.append(c) }
        }
        return out
    }
}

extension MultipartPartHeaders {
    /// Lines of a header block split on CRLF (bytes, so "\r\n" is never one grapheme).
    fileprivate static func crlfLines(_ bytes: ArraySlice<UInt8>) -> [String] {
        var lines: [String] = []
        var lineStart = bytes.startIndex
        var i = bytes.startIndex
        while i < bytes.endIndex {
            if bytes[i] == 0x0d && i + 1 < bytes.endIndex && bytes[i + 1] == 0x0a {
                lines.append(String(decoding: bytes[lineStart..<i], as: UTF8.self))
                i += 2
                lineStart = i
            } else {
                i += 1
            }
        }
        lines.append(String(decoding: bytes[lineStart..<bytes.endIndex], as: UTF8.self))
        return lines
    }
}

extension StringProtocol {
    /// Without leading and trailing spaces and tabs (HTTP OWS).
    fileprivate var trimmingOWS: String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\t" { s = s.dropLast() }
        return String(s)
    }
}
