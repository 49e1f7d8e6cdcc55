import Testing
@testable import HTTP1

/// A parsed request as the tests compare it.
struct ParsedRequest: Equatable {
    var method: String
    var target: String
    var keepAlive: Bool
    var body: [UInt8]
}

/// Feeds `chunks` one by one through the parser the way the server does (buffering unconsumed
/// bytes) and returns the completed requests, or the first error.
func parseAll(_ chunks: [[UInt8]], limits: HTTPParserLimits = .default) -> Result<[ParsedRequest], HTTPParseError> {
    var parser = HTTPRequestParser(limits: limits)
    var buffer: [UInt8] = []
    var out: [ParsedRequest] = []
    var current: ParsedRequest?
    do {
        for chunk in chunks {
            buffer.append(contentsOf: chunk)
            var offset = 0
            loop: while true {
                let (event, consumed) = try buffer.withUnsafeBytes { raw in
                    let r = try parser.parse(UnsafeRawBufferPointer(rebasing: raw[offset...]))
                    if case .body(let range) = r.event {
                        current?.body.append(contentsOf: raw[(offset + range.lowerBound)..<(offset + range.upperBound)])
                    }
                    return r
                }
                offset += consumed
                switch event {
                case .head(let h): current = ParsedRequest(method: h.method, target: h.target, keepAlive: h.keepAlive, body: [])
                case .body: break
                case .end: out.append(current!); current = nil
                case .needMoreData: break loop
                }
            }
            buffer.removeFirst(offset)
        }
        return .success(out)
    } catch {
        return .failure(error as! HTTPParseError)
    }
}

@Suite struct HTTPRequestParserTests {
    static let pipelined: [UInt8] = Array((
        "GET /a HTTP/1.1\r\nHost: x\r\n\r\n" +
        "POST /b?q=1 HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello" +
        "PUT /c HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3;ext=1\r\nabc\r\n10\r\n0123456789abcdef\r\n0\r\nX-T: 1\r\n\r\n" +
        "\r\nGET /d HTTP/1.0\r\n\r\n"
    ).utf8)

    static let expected = [
        ParsedRequest(method: "GET", target: "/a", keepAlive: true, body: []),
        ParsedRequest(method: "POST", target: "/b?q=1", keepAlive: true, body: Array("hello".utf8)),
        ParsedRequest(method: "PUT", target: "/c", keepAlive: true, body: Array("abc0123456789abcdef".utf8)),
        ParsedRequest(method: "GET", target: "/d", keepAlive: false, body: []),
    ]

    @Test("pipelined requests parse in one buffer")
    func oneBuffer() throws {
        #expect(try parseAll([Self.pipelined]).get() == Self.expected)
    }

    @Test("every split of the input at every byte gives the same result")
    func everySplit() throws {
        let input = Self.pipelined
        for cut in 0...input.count {
            let r = try parseAll([Array(input[..<cut]), Array(input[cut...])]).get()
            #expect(r == Self.expected, "split at \(cut)")
        }
    }

    @Test("byte-at-a-time drip feed gives the same result")
    func dripFeed() throws {
        #expect(try parseAll(Self.pipelined.map { [$0] }).get() == Self.expected)
    }

    @Test("malformed requests map to their exact status", arguments: [
        ("GET / HTTP/1.1\r\n\r\n", 400, "missing Host header"),
        ("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400, "multiple Host headers"),
        ("GET /\r\nHost: a\r\n\r\n", 400, "malformed request line"),
        ("G(T / HTTP/1.1\r\nHost: a\r\n\r\n", 400, "invalid method"),
        ("GET x HTTP/1.1\r\nHost: a\r\n\r\n", 400, "request target must be an absolute path"),
        ("GET / HTTP/2.0\r\nHost: a\r\n\r\n", 505, "HTTP version not supported"),
        ("GET / HTTX/1.1\r\nHost: a\r\n\r\n", 400, "malformed HTTP version"),
        ("GET / HTTP/1.1\r\nHost: a\r\n folded\r\n\r\n", 400, "obsolete header line folding"),
        ("GET / HTTP/1.1\r\nHost : a\r\n\r\n", 400, "invalid header field name"),
        ("GET / HTTP/1.1\r\nHost: a\r\nNoColon\r\n\r\n", 400, "malformed header field"),
        ("GET / HTTP/1.1\nHost: a\r\n\r\n", 400, "header line not terminated by CRLF"),
        ("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n", 400, "both Transfer-Encoding and Content-Length"),
        ("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", 400, "invalid Content-Length"),
        ("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: -1\r\n\r\n", 400, "invalid Content-Length"),
        ("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1x\r\n\r\n", 400, "invalid Content-Length"),
        ("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\n\r\n", 501, "unsupported transfer coding 'gzip'"),
        ("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", 501, "unsupported transfer coding 'gzip'"),
        ("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, gzip\r\n\r\n", 400, "chunked is not the final transfer coding"),
        ("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n", 400, "Transfer-Encoding in an HTTP/1.0 request"),
        ("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", 400, "invalid chunk size"),
        ("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabX\r\n", 400, "chunk data not followed by CRLF"),
        ("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nfffffffffffffffff\r\n", 400, "chunk size too large"),
        ("GET / HTTP/1.1\r\nHost: a\r\nExpect: magic\r\n\r\n", 417, "unsupported expectation 'magic'"),
    ])
    func malformed(input: String, status: Int, message: String) {
        // Same verdict whole and drip-fed.
        for chunks in [[Array(input.utf8)], Array(input.utf8).map { [$0] }] {
            guard case .failure(let e) = parseAll(chunks) else {
                Issue.record("accepted: \(input.debugDescription)")
                continue
            }
            #expect(e.status == status)
            #expect(e.message == message)
        }
    }

    @Test("a request line over the limit is 414 even before its end arrives")
    func uriTooLong() {
        var limits = HTTPParserLimits()
        limits.maxRequestLineBytes = 100
        let r = parseAll([Array(("GET /" + String(repeating: "a", count: 200)).utf8)], limits: limits)
        guard case .failure(let e) = r else { Issue.record("accepted"); return }
        #expect(e.status == 414)
    }

    @Test("header bytes and header count over the limits are 431")
    func headerLimits() {
        var limits = HTTPParserLimits()
        limits.maxHeaderBytes = 1024
        let big = "GET / HTTP/1.1\r\nHost: a\r\nX: " + String(repeating: "v", count: 2000) + "\r\n\r\n"
        guard case .failure(let e1) = parseAll([Array(big.utf8)], limits: limits) else { Issue.record("accepted"); return }
        #expect(e1.status == 431)
        limits = HTTPParserLimits()
        limits.maxHeaderCount = 5
        let many = "GET / HTTP/1.1\r\nHost: a\r\n" + (0..<10).map { "X-\($0): v\r\n" }.joined() + "\r\n"
        guard case .failure(let e2) = parseAll([Array(many.utf8)], limits: limits) else { Issue.record("accepted"); return }
        #expect(e2.status == 431)
        #expect(e2.message == "more than 5 header fields")
    }

    @Test("keep-alive defaults and Connection tokens")
    func keepAlive() throws {
        let r = try parseAll([Array((
            "GET /1 HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n" +
            "GET /2 HTTP/1.0\r\nConnection: keep-alive\r\n\r\n" +
            "GET /3 HTTP/1.1\r\nHost: a\r\nConnection: upgrade, Close\r\n\r\n").utf8)]).get()
        #expect(r.map(\.keepAlive) == [false, true, false])
    }

    @Test("Expect: 100-continue is reported for HTTP/1.1 only")
    func expectContinue() throws {
        var p = HTTPRequestParser()
        let bytes = Array("POST / HTTP/1.1\r\nHost: a\r\nExpect: 100-Continue\r\nContent-Length: 3\r\n\r\n".utf8)
        let (event, _) = try bytes.withUnsafeBytes { raw in try p.parse(raw) }
        guard case .head(let h) = event else { Issue.record("no head"); return }
        #expect(h.expectsContinue)
        #expect(h.bodyFraming == .contentLength(3))
        #expect(h.path == "/" && h.query == "")
    }
}
