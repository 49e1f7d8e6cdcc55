/// Parses one complete head (request line + fields + blank line) and applies the framing rules
/// of RFC 9112 §6 that protect against request smuggling.
struct HTTPHeadParser {
    let limits: HTTPParserLimits

    func parse(_ buf: UnsafeRawBufferPointer) throws(HTTPParseError) -> HTTPRequestHead {
        var lines = LineIterator(buf: buf)
        guard let requestLine = try lines.next() else { throw .bad("empty request") }
        if requestLine.count > limits.maxRequestLineBytes { throw .uriTooLong(limits.maxRequestLineBytes) }
        let (method, target, minor) = try parseRequestLine(requestLine)

        var headers = HTTPHeaders()
        var framing = FramingFields()
        while let line = try lines.next(), !line.isEmpty {
            if headers.count == limits.maxHeaderCount {
                throw .headersTooLarge("more than \(limits.maxHeaderCount) header fields")
            }
            let (name, value) = try parseField(line)
            framing.note(name, value)
            headers.add(name, value)
        }
        return try applySemantics(method: method, target: target, minor: minor, headers: headers, framing: framing)
    }

    private func parseRequestLine(_ line: UnsafeRawBufferPointer) throws(HTTPParseError) -> (String, String, Int) {
        guard let sp1 = line.firstIndex(of: 0x20) else { throw .bad("malformed request line") }
        guard let sp2 = line[(sp1 + 1)...].firstIndex(of: 0x20) else { throw .bad("malformed request line") }
        let methodBytes = line[..<sp1], targetBytes = line[(sp1 + 1)..<sp2], version = line[(sp2 + 1)...]
        guard !methodBytes.isEmpty, methodBytes.allSatisfy(Self.isTokenChar) else { throw .bad("invalid method") }
        guard !targetBytes.isEmpty, targetBytes.allSatisfy({ $0 > 0x20 && $0 < 0x7f }) else {
            throw .bad("invalid request target")
        }
        guard targetBytes.first == 0x2f || (targetBytes.count == 1 && targetBytes.first == 0x2a) else {
            throw .bad("request target must be an absolute path")
        }
        guard version.count == 8, version.starts(with: Array("HTTP/".utf8)), version[version.startIndex + 6] == 0x2e,
              let major = Self.digit(version[version.startIndex + 5]), let minor = Self.digit(version[version.startIndex + 7])
        else { throw .bad("malformed HTTP version") }
        guard major == 1 else { throw HTTPParseError(status: 505, "HTTP version not supported") }
        return (String(decoding: methodBytes, as: UTF8.self), String(decoding: targetBytes, as: UTF8.self), min(minor, 1))
    }

    private func parseField(_ line: UnsafeRawBufferPointer) throws(HTTPParseError) -> (String, String) {
        guard line.first != 0x20, line.first != 0x09 else { throw .bad("obsolete header line folding") }
        guard let colon = line.firstIndex(of: 0x3a), colon > 0 else { throw .bad("malformed header field") }
        let name = line[..<colon]
        guard name.allSatisfy(Self.isTokenChar) else { throw .bad("invalid header field name") }
        var start = colon + 1, end = line.count
        while start < end, line[start] == 0x20 || line[start] == 0x09 { start += 1 }
        while end > start, line[end - 1] == 0x20 || line[end - 1] == 0x09 { end -= 1 }
        let value = line[start..<end]
        guard value.allSatisfy({ $0 == 0x09 || ($0 >= 0x20 && $0 != 0x7f) }) else {
            throw .bad("invalid character in header field value")
        }
        return (String(decoding: name, as: UTF8.self), String(decoding: value, as: UTF8.self))
    }

    private func applySemantics(method: String, target: String, minor: Int, headers: HTTPHeaders,
                                framing fields: FramingFields) throws(HTTPParseError) -> HTTPRequestHead {
        if minor == 1 {
            guard fields.hostCount == 1 else { throw .bad(fields.hostCount == 0 ? "missing Host header" : "multiple Host headers") }
        }
        var framing = HTTPRequestHead.BodyFraming.none
        let te = fields.transferEncoding
        let cl = fields.contentLength
        if !te.isEmpty {
            guard cl.isEmpty else { throw .bad("both Transfer-Encoding and Content-Length") }
            guard minor == 1 else { throw .bad("Transfer-Encoding in an HTTP/1.0 request") }
            let codings = te.flatMap { $0.split(separator: ",").map { $0.trimmingSpaces.lowercased() } }
            guard codings.last == "chunked" else {
                if codings.contains("chunked") { throw .bad("chunked is not the final transfer coding") }
                throw HTTPParseError(status: 501, "unsupported transfer coding '\(codings.joined(separator: ", "))'")
            }
            // RFC 9112 §6.1: a sender must not apply chunked more than once, so a list naming
            // it twice is a malformed request (400), not an unsupported coding (501).
            guard !codings.dropLast().contains("chunked") else { throw .bad("chunked applied more than once") }
            guard codings.count == 1 else {
                throw HTTPParseError(status: 501, "unsupported transfer coding '\(codings.dropLast().joined(separator: ", "))'")
            }
            framing = .chunked
        } else if !cl.isEmpty {
            let values = Set(cl.flatMap { $0.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingSpaces } })
            guard values.count == 1, let v = values.first, !v.isEmpty, v.count <= 18,
                  v.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), let n = Int(v)
            else { throw .bad("invalid Content-Length") }
            framing = .contentLength(n)
        }
        let close = !fields.connection.isEmpty && headers.hasToken("Connection", "close")
        let keepAlive = minor == 1 ? !close : (!fields.connection.isEmpty && headers.hasToken("Connection", "keep-alive"))
        var expectsContinue = false
        if let expect = fields.expect {
            guard expect.lowercased() == "100-continue" else {
                throw HTTPParseError(status: 417, "unsupported expectation '\(expect)'")
            }
            expectsContinue = minor == 1
        }
        return HTTPRequestHead(method: method, target: target, minorVersion: minor, headers: headers,
                               keepAlive: keepAlive, expectsContinue: expectsContinue, bodyFraming: framing)
    }

    static func isTokenChar(_ c: UInt8) -> Bool {
        switch c {
        case 0x30...0x39, 0x41...0x5a, 0x61...0x7a: return true
        case UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "%"), UInt8(ascii: "&"),
             UInt8(ascii: "'"), UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."),
             UInt8(ascii: "^"), UInt8(ascii: "_"), UInt8(ascii: "`"), UInt8(ascii: "|"), UInt8(ascii: "~"):
            return true
        default: return false
        }
    }

    static func digit(_ c: UInt8) -> Int? { c >= 0x30 && c <= 0x39 ? Int(c - 0x30) : nil }
}

/// The header fields that decide framing and connection handling, collected while the fields
/// are parsed so the common request needs no second pass over its headers.
struct FramingFields {
    var hostCount = 0
    var transferEncoding: [String] = []
    var contentLength: [String] = []
    var connection: [String] = []
    var expect: String?

    mutating func note(_ name: String, _ value: String) {
        switch name.utf8.count {
        case 4 where HTTPHeaders.equalsIgnoringCase(name, "Host"): hostCount += 1
        case 6 where HTTPHeaders.equalsIgnoringCase(name, "Expect"): expect = value
        case 10 where HTTPHeaders.equalsIgnoringCase(name, "Connection"): connection.append(value)
        case 14 where HTTPHeaders.equalsIgnoringCase(name, "Content-Length"): contentLength.append(value)
        case 17 where HTTPHeaders.equalsIgnoringCase(name, "Transfer-Encoding"): transferEncoding.append(value)
        default: break
        }
    }
}

/// Splits a head into CRLF-terminated lines (without the CRLF). A bare LF is rejected.
struct LineIterator {
    let buf: UnsafeRawBufferPointer
    var pos = 0

    mutating func next() throws(HTTPParseError) -> UnsafeRawBufferPointer? {
        guard pos < buf.count else { return nil }
        guard let lf = HTTPRequestParser.find(0x0a, in: buf, from: pos) else { throw .bad("unterminated header line") }
        guard lf > pos, buf[lf - 1] == 0x0d else { throw .bad("header line not terminated by CRLF") }
        let line = UnsafeRawBufferPointer(rebasing: buf[pos..<(lf - 1)])
        pos = lf + 1
        return line
    }
}
