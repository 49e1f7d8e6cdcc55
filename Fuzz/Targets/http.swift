// libFuzzer target: HTTP1's incremental request parser (heads, Content-Length and chunked
// bodies, trailers, pipelining, limits). Built by scripts/fuzz.sh.
//
// Invariants checked, beyond "does not crash":
// - the same bytes split three ways (whole, one byte per read, at a point chosen by the input)
//   give the same events and the same error (HTTPRequestParser's documented contract);
// - each parse call consumes at most what it was given, body ranges lie inside it, and a call
//   that reports nothing new consumed nothing (no spinning without progress);
// - a head has at most `maxHeaderCount` fields and a body never exceeds its Content-Length,
//   which a completed request's body equals;
// - errors carry one of the statuses the server maps (400, 413, 414, 417, 431, 501, 505);
// - a parsed head, written back as a request, parses to an equal head.
import Foundation
import HTTP1

/// Small limits so that inputs of a few KiB reach every limit.
let limits: HTTPParserLimits = {
    var l = HTTPParserLimits()
    l.maxRequestLineBytes = 256
    l.maxHeaderBytes = 1024
    l.maxHeaderCount = 8
    l.maxChunkLineBytes = 48
    return l
}()

enum Event: Equatable {
    case head(HTTPRequestHead)
    case body([UInt8])
    case end
    case error(HTTPParseError)
}

func check(_ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String) {
    if !condition() { fatalError("Invariant failed: \(message())") }
}

/// Feeds `input` in reads of the given sizes, as the server's connection does: append to a
/// buffer, parse until `.needMoreData`, drop what was consumed.
func run(_ input: [UInt8], limits: HTTPParserLimits = limits, reads: (Int) -> Int) -> [Event] {
    var parser = HTTPRequestParser(limits: limits)
    var pending: [UInt8] = []
    var events: [Event] = []
    var offset = 0
    func add(_ e: Event) {
        if case .body(let b) = e, case .body(let a)? = events.last { events[events.count - 1] = .body(a + b) } else { events.append(e) }
    }
    while offset < input.count {
        let n = max(1, min(reads(offset), input.count - offset))
        pending += input[offset..<(offset + n)]
        offset += n
        // Each call consumes bytes or reports a head, a body, an end or needMoreData: a
        // request of n bytes takes at most n + 3 calls.
        let budget = 2 * pending.count + 8
        var calls = 0
        while true {
            calls += 1
            check(calls <= budget, "parser does not make progress on \(pending.count) bytes")
            let outcome = pending.withUnsafeBytes { buf in
                Result { () throws(HTTPParseError) in try parser.parse(buf) }
            }
            let result: (event: HTTPParserEvent, consumed: Int)
            switch outcome {
            case .success(let r): result = r
            case .failure(let error):
                check([400, 413, 414, 417, 431, 501, 505].contains(error.status), "unexpected status \(error)")
                add(.error(error))
                return events
            }
            check(result.consumed >= 0 && result.consumed <= pending.count, "consumed \(result.consumed) of \(pending.count)")
            switch result.event {
            case .needMoreData:
                pending.removeFirst(result.consumed)
            case .head(let head):
                check(head.headers.count <= limits.maxHeaderCount, "\(head.headers.count) header fields")
                check(result.consumed > 0, "a head consumed nothing")
                add(.head(head))
                pending.removeFirst(result.consumed)
                continue
            case .body(let range):
                check(range.lowerBound >= 0 && range.upperBound <= result.consumed && !range.isEmpty, "body range \(range) of \(result.consumed)")
                add(.body(Array(pending[range])))
                pending.removeFirst(result.consumed)
                continue
            case .end:
                add(.end)
                pending.removeFirst(result.consumed)
                continue
            }
            break
        }
    }
    return events
}

/// Bodies against the heads' framing.
func checkBodies(_ events: [Event]) {
    var framing: HTTPRequestHead.BodyFraming?
    var received = 0
    for e in events {
        switch e {
        case .head(let h): framing = h.bodyFraming; received = 0
        case .body(let b):
            received += b.count
            check(framing != nil && framing != HTTPRequestHead.BodyFraming.none, "body without a head that announces one")
            if case .contentLength(let n)? = framing { check(received <= n, "body \(received) > Content-Length \(n)") }
        case .end:
            if case .contentLength(let n)? = framing { check(received == n, "complete body \(received) != Content-Length \(n)") }
            framing = nil
        case .error: break
        }
    }
}

/// The head written back as request bytes.
func serialize(_ h: HTTPRequestHead) -> [UInt8] {
    var s = "\(h.method) \(h.target) HTTP/1.\(h.minorVersion)\r\n"
    for (name, value) in h.headers { s += "\(name): \(value)\r\n" }
    return Array((s + "\r\n").utf8)
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = size == 0 ? [] : Array(UnsafeBufferPointer(start: data, count: size))
    let whole = run(input) { _ in Int.max }
    checkBodies(whole)
    let bytewise = run(input) { _ in 1 }
    check(whole == bytewise, "byte-by-byte reads differ from one read:\n\(whole)\n\(bytewise)")
    let cut = input.isEmpty ? 0 : Int(input[input.count / 2]) * input.count / 256
    let split = run(input) { $0 == 0 && cut > 0 ? cut : Int.max }
    check(whole == split, "reads split at \(cut) differ from one read:\n\(whole)\n\(split)")
    for case .head(let head) in whole {
        // Written back, a head can grow (invalid UTF-8 became U+FFFD): parse it with roomier limits.
        var roomy = HTTPParserLimits()
        roomy.maxHeaderCount = limits.maxHeaderCount
        let again = run(serialize(head), limits: roomy) { _ in Int.max }
        check(again.first == .head(head), "head does not survive a round trip: \(head) -> \(again)")
    }
    return 0
}

// MARK: Seeds (scripts/fuzz.sh --seeds)

let seeds: [String: String] = [
    "get": "GET /api/v1/channels/mychannel/chaincodes?limit=10 HTTP/1.1\r\nHost: gw\r\nAuthorization: Bearer abc\r\n\r\n",
    "post-content-length": "POST /api/v1/x HTTP/1.1\r\nHost: gw\r\nContent-Type: application/json\r\nContent-Length: 13\r\n\r\n{\"label\":\"a\"}",
    "chunked-trailers": "POST /u HTTP/1.1\r\nHost: gw\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\nA\r\n0123456789\r\n0\r\nX-Trailer: t\r\n\r\n",
    "pipelined": "\r\nGET /a HTTP/1.1\r\nHost: gw\r\n\r\nPOST /b HTTP/1.1\r\nHost: gw\r\nContent-Length: 3\r\nExpect: 100-continue\r\n\r\nabcPUT /c HTTP/1.0\r\nConnection: keep-alive\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nz\r\n0\r\n\r\n",
]

@_cdecl("LLVMFuzzerInitialize")
public func fuzzInitialize(_ argc: UnsafeMutablePointer<CInt>?, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>?) -> CInt {
    writeSeedsIfAsked(seeds.mapValues { Array($0.utf8) })
}
