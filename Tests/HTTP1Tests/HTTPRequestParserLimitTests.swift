import Testing
@testable import HTTP1

/// 414 versus 431 depends on what the bytes are (request line or header section), never on how
/// they arrive.
@Suite struct HTTPRequestParserLimitTests {
    /// Cut points: near the start, every 997 bytes, and around the limits and the head's end.
    static func cuts(_ count: Int, limits: HTTPParserLimits = .default) -> [Int] {
        let near = [limits.maxRequestLineBytes, limits.maxHeaderBytes, count - 4, count]
        let points = Array(0...8) + Array(stride(from: 0, to: count, by: 997)) + near.flatMap { ($0 - 3)...($0 + 3) }
        return Set(points.filter { $0 >= 0 && $0 <= count }).sorted()
    }

    /// The status of parsing `bytes` split at `cut` (and at `cut` and `cut2` when given).
    static func status(_ bytes: [UInt8], _ cuts: Int..., limits: HTTPParserLimits = .default) -> Int? {
        var pieces: [[UInt8]] = []
        var start = 0
        for c in cuts.sorted() + [bytes.count] {
            pieces.append(Array(bytes[start..<c]))
            start = c
        }
        guard case .failure(let e) = parseAll(pieces, limits: limits) else { return nil }
        return e.status
    }

    @Test("a 100 KB request-target is 414 however the bytes are split")
    func longTargetIs414() {
        let bytes = Array(("GET /" + String(repeating: "a", count: 100 * 1024) + " HTTP/1.1\r\nHost: x\r\n\r\n").utf8)
        #expect(Self.status(bytes) == 414, "in one read")
        for cut in Self.cuts(bytes.count) {
            #expect(Self.status(bytes, cut) == 414, "split at \(cut)")
        }
        for (a, b) in [(1, bytes.count - 1), (8000, 40000), (8193, 8194), (50000, bytes.count - 2)] {
            #expect(Self.status(bytes, a, b) == 414, "split at \(a) and \(b)")
        }
    }

    @Test("a request line at the limit is accepted; one byte over is 414, whole or split")
    func requestLineBoundary() throws {
        let limit = HTTPParserLimits.default.maxRequestLineBytes
        let fixed = "GET / HTTP/1.1".utf8.count
        let atLimit = Array(("GET /" + String(repeating: "b", count: limit - fixed) + " HTTP/1.1\r\nHost: x\r\n\r\n").utf8)
        for cut in Self.cuts(atLimit.count) {
            #expect(Self.status(atLimit, cut) == nil, "at the limit, split at \(cut)")
        }
        let over = Array(("GET /" + String(repeating: "b", count: limit - fixed + 1) + " HTTP/1.1\r\nHost: x\r\n\r\n").utf8)
        for cut in Self.cuts(over.count) {
            #expect(Self.status(over, cut) == 414, "one over, split at \(cut)")
        }
    }

    @Test("a header section over the limit with a request line within it is 431, whole or split")
    func headerSectionIs431() {
        let limits = HTTPParserLimits.default
        let target = "/" + String(repeating: "c", count: limits.maxRequestLineBytes - 20)
        let bytes = Array(("GET \(target) HTTP/1.1\r\nHost: x\r\nX-Big: " + String(repeating: "v", count: limits.maxHeaderBytes) + "\r\n\r\n").utf8)
        for cut in Self.cuts(bytes.count) {
            #expect(Self.status(bytes, cut) == 431, "split at \(cut)")
        }
    }

    @Test("an overlong chunk-size line with a bare CR fails the same way whole or split (fuzz regression)")
    func overlongChunkLineWithBareCR() {
        let limits = HTTPParserLimits.default
        let line = "5" + String(repeating: "f", count: limits.maxChunkLineBytes + 10) + "\rx\n"
        let bytes = Array(("POST /u HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n" + line + "0\r\n\r\n").utf8)
        func failure(_ pieces: [[UInt8]]) -> HTTPParseError? {
            guard case .failure(let e) = parseAll(pieces) else { return nil }
            return e
        }
        #expect(failure([bytes]) == HTTPParseError(status: 400, "chunk size line too long"))
        for cut in stride(from: 1, to: bytes.count, by: 7) {
            #expect(failure([Array(bytes[..<cut]), Array(bytes[cut...])]) == failure([bytes]), "split at \(cut)")
        }
    }

    @Test("an oversized trailer section ending in a bare LF is 431 whole or split (fuzz regression)")
    func oversizedTrailerWithBareLF() {
        let limits = HTTPParserLimits.default
        let trailer = "X-Big: " + String(repeating: "t", count: limits.maxHeaderBytes) + "\n"
        let bytes = Array(("POST /u HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n" + trailer + "\r\n").utf8)
        #expect(Self.status(bytes) == 431, "in one read")
        for cut in Self.cuts(bytes.count) {
            #expect(Self.status(bytes, cut) == 431, "split at \(cut)")
        }
    }
}
