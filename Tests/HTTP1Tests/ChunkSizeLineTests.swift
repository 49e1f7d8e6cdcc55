import Testing
@testable import HTTP1

/// Chunk-size lines against RFC 9112 §7.1, each whole and drip-fed one byte at a time.
@Suite struct ChunkSizeLineTests {
    static let head = "POST /c HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"

    /// The request with `line` as its first chunk-size line, a 5-byte chunk and the last chunk.
    static func request(_ line: String) -> [UInt8] {
        Array(head.utf8) + Array(line.utf8) + Array("\r\nhello\r\n0\r\n\r\n".utf8)
    }

    /// The verdict whole and drip-fed; both must agree.
    static func verdict(_ bytes: [UInt8]) -> Result<[ParsedRequest], HTTPParseError> {
        let whole = parseAll([bytes])
        let dripped = parseAll(bytes.map { [$0] })
        #expect("\(whole)" == "\(dripped)", "whole and drip-fed differ for \(String(decoding: bytes, as: UTF8.self).debugDescription)")
        return whole
    }

    @Test("valid chunk-size lines: size, extensions with token and quoted-string values, BWS around ';' and '='", arguments: [
        "5", "05", "00000000000000000005", "5;a", "5;a=b", "5 ;a", "5\t; a", "5;a = b", "5;a=\"x y\"",
        "5;a=\"q\\\"uote\"", "5;a=\"\\\\\"", "5;a;b=1;c=\"\"", "5 ; a ; b = \"\u{e9}\"", "5;!#$%&'*+-.^_`|~=x",
    ])
    func accepted(line: String) throws {
        let r = try Self.verdict(Self.request(line)).get()
        #expect(r.map(\.body) == [Array("hello".utf8)], "\(line.debugDescription)")
    }

    @Test("lenient chunk-size lines are 400", arguments: [
        ("5 junk", "invalid chunk extension"),
        ("5\t\u{01}", "invalid chunk extension"),
        ("5;\rx", "invalid chunk extension"),
        ("5 ", "invalid chunk extension"),
        ("5;", "invalid chunk extension"),
        ("5;a ", "invalid chunk extension"),
        ("5;a=", "invalid chunk extension"),
        ("5;a= ", "invalid chunk extension"),
        ("5;a=b c", "invalid chunk extension"),
        ("5;a=\"open", "invalid chunk extension"),
        ("5;a=\"x\"y", "invalid chunk extension"),
        ("5;a=\"bad\u{7f}\"", "invalid chunk extension"),
        ("5;a=\"x\\\u{01}\"", "invalid chunk extension"),
        ("5;=b", "invalid chunk extension"),
        ("5;a@b", "invalid chunk extension"),
        ("5;a\r", "invalid chunk extension"),
        ("5,a", "invalid chunk size"),
        ("5x", "invalid chunk size"),
        ("0x5", "invalid chunk size"),
        (" 5", "invalid chunk size"),
        (";a", "invalid chunk size"),
        ("-5", "invalid chunk size"),
        ("1000000000000000", "chunk size too large"),
    ])
    func refused(line: String, message: String) {
        guard case .failure(let e) = Self.verdict(Self.request(line)) else {
            Issue.record("accepted \(line.debugDescription)")
            return
        }
        #expect(e.status == 400, "\(line.debugDescription)")
        #expect(e.message == message, "\(line.debugDescription)")
    }

    @Test("a chunk-size line with a bare LF is refused")
    func bareLF() {
        let bytes = Array(Self.head.utf8) + Array("5\nhello\r\n0\r\n\r\n".utf8)
        guard case .failure(let e) = Self.verdict(bytes) else { Issue.record("accepted"); return }
        #expect(e.status == 400 && e.message == "chunk size line not terminated by CRLF")
    }

    @Test("Transfer-Encoding naming chunked twice is 400, in one field or two", arguments: [
        "Transfer-Encoding: chunked, chunked\r\n",
        "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n",
        "Transfer-Encoding: gzip, chunked, chunked\r\n",
    ])
    func chunkedTwice(fields: String) {
        let bytes = Array("POST / HTTP/1.1\r\nHost: a\r\n\(fields)\r\n0\r\n\r\n".utf8)
        guard case .failure(let e) = Self.verdict(bytes) else { Issue.record("accepted"); return }
        #expect(e.status == 400)
        #expect(e.message == "chunked applied more than once")
    }
}
