import Testing
@testable import HTTP1

@Suite("MultipartParser")
struct MultipartParserTests {
    static let boundary = "----gateway-boundary-7MA4YWxkTrZu0gW"

    /// File bytes that contain near-misses of the delimiter and bare CR/LF.
    static let fileBytes: [UInt8] = Array("\r\n--".utf8) + Array("\r\n------gateway-boundary-7MA4YWxk".utf8)
        + (0..<3000).map { UInt8(truncatingIfNeeded: $0 &* 7) } + [0x0d] + Array("\r\n-".utf8)

    static var body: [UInt8] {
        var b: [UInt8] = Array("preamble to ignore\r\n".utf8)
        b += Array("--\(boundary)\r\n".utf8)
        b += Array("Content-Disposition: form-data; name=\"label\"\r\n\r\n".utf8)
        b += Array("basic_1.0".utf8)
        b += Array("\r\n--\(boundary)  \r\n".utf8)  // transport padding after the boundary
        b += Array("Content-Disposition: form-data; name=\"file\"; filename=\"pkg \\\"1\\\".tar.gz\"\r\n".utf8)
        b += Array("Content-Type: application/gzip\r\n\r\n".utf8)
        b += fileBytes
        b += Array("\r\n--\(boundary)\r\n\r\n".utf8)  // a part with no headers and an empty body
        b += Array("\r\n--\(boundary)--\r\nepilogue".utf8)
        return b
    }

    /// Parts as (headers, whole body), merging chunks so any split compares equal.
    static func collect(_ feeds: [ArraySlice<UInt8>], limits: MultipartLimits = MultipartLimits()) throws
        -> [(MultipartPartHeaders, [UInt8])] {
        var parser = MultipartParser(boundary: boundary, limits: limits)
        var parts: [(MultipartPartHeaders, [UInt8])] = []
        var ended = false
        for feed in feeds {
            for event in try parser.feed(feed) {
                switch event {
                case .partBegin(let headers): parts.append((headers, []))
                case .bodyChunk(let chunk): parts[parts.count - 1].1 += chunk
                case .partEnd: break
                case .end: ended = true
                }
            }
        }
        try parser.finish()
        #expect(ended)
        return parts
    }

    @Test("parses names, filenames, content types and bodies")
    func parses() throws {
        let parts = try Self.collect([Self.body[...]])
        #expect(parts.count == 3)
        #expect(parts[0].0.name == "label" && parts[0].0.filename == nil && parts[0].1 == Array("basic_1.0".utf8))
        #expect(parts[1].0.name == "file" && parts[1].0.filename == "pkg \"1\".tar.gz")
        #expect(parts[1].0.contentType == "application/gzip")
        #expect(parts[1].1 == Self.fileBytes)
        #expect(parts[2].0.fields.isEmpty && parts[2].1.isEmpty)
    }

    @Test("every input split at every byte gives the same result (drip-feed)")
    func dripFeed() throws {
        let body = Self.body
        let whole = try Self.collect([body[...]])
        for cut in 0...body.count {
            let split = try Self.collect([body[..<cut], body[cut...]])
            #expect(split.map(\.0) == whole.map(\.0) && split.map(\.1) == whole.map(\.1), "split at \(cut)")
        }
        let bytewise = try Self.collect(body.indices.map { body[$0...$0] })
        #expect(bytewise.map(\.1) == whole.map(\.1))
    }

    @Test("a large file part streams in bounded chunks")
    func streamsLargePart() throws {
        var parser = MultipartParser(boundary: Self.boundary)
        var events = try parser.feed(Array("--\(Self.boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a\"\r\n\r\n".utf8))
        let chunk = [UInt8](repeating: 0x41, count: 64 * 1024)
        var total = 0
        var largest = 0
        for _ in 0..<160 {  // 10 MiB
            for case .bodyChunk(let c) in try parser.feed(chunk) {
                total += c.count
                largest = max(largest, c.count)
            }
        }
        events = try parser.feed(Array("\r\n--\(Self.boundary)--".utf8))
        for case .bodyChunk(let c) in events { total += c.count }
        #expect(total == 160 * 64 * 1024)
        #expect(largest <= 64 * 1024 + 64)
        #expect(events.last == .end)
    }

    @Test("boundary from Content-Type, quoted or not; bad ones rejected")
    func boundaryFromContentType() throws {
        #expect(try MultipartParser.boundary(contentType: "multipart/form-data; boundary=abc") == "abc")
        #expect(try MultipartParser.boundary(contentType: "Multipart/Form-Data; charset=utf-8; Boundary=\"a b:c\"") == "a b:c")
        #expect(throws: MultipartError.notMultipart) { try MultipartParser.boundary(contentType: "application/json") }
        #expect(throws: MultipartError.invalidBoundary) { try MultipartParser.boundary(contentType: "multipart/form-data") }
        #expect(throws: MultipartError.invalidBoundary) {
            try MultipartParser.boundary(contentType: "multipart/form-data; boundary=\(String(repeating: "x", count: 71))")
        }
        #expect(throws: MultipartError.invalidBoundary) { try MultipartParser.boundary(contentType: "multipart/form-data; boundary=a{b") }
    }

    @Test("limits: part header size and part count")
    func limits() throws {
        let bigHeader = Array("--\(Self.boundary)\r\nX-Big: \(String(repeating: "a", count: 200))\r\n\r\n".utf8)
        #expect(throws: MultipartError.partHeadersTooLarge(limit: 100)) {
            _ = try Self.collect([bigHeader[...]], limits: MultipartLimits(maxPartHeaderBytes: 100))
        }
        // Never-ending header without a blank line is cut off at the limit too.
        var parser = MultipartParser(boundary: Self.boundary, limits: MultipartLimits(maxPartHeaderBytes: 100))
        _ = try parser.feed(Array("--\(Self.boundary)\r\n".utf8))
        #expect(throws: MultipartError.partHeadersTooLarge(limit: 100)) {
            for _ in 0..<20 { _ = try parser.feed(Array("aaaaaaaaaa".utf8)) }
        }
        #expect(throws: MultipartError.tooManyParts(limit: 2)) {
            _ = try Self.collect([Self.body[...]], limits: MultipartLimits(maxParts: 2))
        }
    }

    @Test("malformed input: truncated body, bad boundary line, folded header")
    func malformed() throws {
        #expect(throws: MultipartError.unexpectedEnd) { _ = try Self.collect([Self.body.dropLast(20)]) }
        #expect(throws: MultipartError.malformedDelimiter) {
            _ = try Self.collect([Array("--\(Self.boundary)x\r\n\r\n".utf8)[...]])
        }
        #expect(throws: MultipartError.malformedPartHeader) {
            _ = try Self.collect([Array("--\(Self.boundary)\r\nA: b\r\n  folded\r\n\r\n".utf8)[...]])
        }
    }
}
