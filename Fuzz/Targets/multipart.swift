// libFuzzer target: HTTP1's multipart/form-data parser and the Content-Type boundary parser.
// Input: the Content-Type value up to the first LF, then the body. Built by scripts/fuzz.sh.
//
// Invariants checked, beyond "does not crash":
// - an accepted boundary is 1-70 characters (what MultipartParser.init requires);
// - the body fed whole, one byte per call and split at a point chosen by the input gives the
//   same events (adjacent body chunks merged), or the same error (a throwing `feed` drops the
//   events of that call, so events before an error depend on the split);
// - events follow (partBegin bodyChunk* partEnd)* end, nothing after end, at most maxParts
//   parts, and no part body contains the delimiter;
// - a body that parsed completely, written back from its events, parses to the same events.
import Foundation
import HTTP1

let limits = MultipartLimits(maxPartHeaderBytes: 512, maxParts: 4)

enum Event: Equatable {
    case begin(MultipartPartHeaders)
    case body([UInt8])
    case partEnd
    case end
    case error(String)
    case incomplete
}

func check(_ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String) {
    if !condition() { fatalError("Invariant failed: \(message())") }
}

func run(_ body: ArraySlice<UInt8>, boundary: String, limits: MultipartLimits = limits, reads: (Int) -> Int) -> [Event] {
    var parser = MultipartParser(boundary: boundary, limits: limits)
    var events: [Event] = []
    func add(_ e: Event) {
        if case .body(let b) = e, case .body(let a)? = events.last { events[events.count - 1] = .body(a + b) } else { events.append(e) }
    }
    var offset = body.startIndex
    while offset < body.endIndex {
        let n = max(1, min(reads(offset - body.startIndex), body.endIndex - offset))
        do {
            for e in try parser.feed(body[offset..<(offset + n)]) {
                switch e {
                case .partBegin(let h): add(.begin(h))
                case .bodyChunk(let b): add(.body(b))
                case .partEnd: add(.partEnd)
                case .end: add(.end)
                }
            }
        } catch {
            add(.error("\(error)"))
            return events
        }
        offset += n
    }
    do { try parser.finish() } catch { add(.incomplete) }
    return events
}

func checkGrammar(_ events: [Event], boundary: String) {
    let delimiter = Array("\r\n--\(boundary)".utf8)
    var inPart = false, ended = false, parts = 0
    for e in events {
        check(!ended, "event after the end: \(events)")
        switch e {
        case .begin: check(!inPart, "part begins inside a part"); inPart = true; parts += 1
        case .body(let b):
            check(inPart, "body outside a part")
            check(b.count < delimiter.count || !(0...(b.count - delimiter.count)).contains { Array(b[$0..<($0 + delimiter.count)]) == delimiter },
                  "part body contains the delimiter")
        case .partEnd: check(inPart, "part end outside a part"); inPart = false
        case .end: check(!inPart, "end inside a part"); ended = true
        case .error, .incomplete: break
        }
    }
    check(parts <= limits.maxParts, "\(parts) parts")
}

/// Equal events, or the same error.
func same(_ a: [Event], _ b: [Event]) -> Bool {
    if case .error? = a.last { return a.last == b.last }
    return a == b
}

/// The body written back from complete events.
func serialize(_ events: [Event], boundary: String) -> [UInt8] {
    var out: [UInt8] = []
    for e in events {
        switch e {
        case .begin(let h):
            out += Array("--\(boundary)\r\n".utf8)
            for (name, value) in h.fields { out += Array("\(name): \(value)\r\n".utf8) }
            out += Array("\r\n".utf8)
        case .body(let b): out += b
        case .partEnd: out += Array("\r\n".utf8)
        case .end: out += Array("--\(boundary)--\r\n".utf8)
        case .error, .incomplete: break
        }
    }
    return out
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = size == 0 ? [] : Array(UnsafeBufferPointer(start: data, count: size))
    guard let lf = input.firstIndex(of: 0x0a) else { return 0 }
    guard let boundary = try? MultipartParser.boundary(contentType: String(decoding: input[..<lf], as: UTF8.self)) else { return 0 }
    check((1...70).contains(boundary.utf8.count), "boundary of \(boundary.utf8.count) bytes accepted")
    let body = input[(lf + 1)...]
    let whole = run(body, boundary: boundary) { _ in Int.max }
    checkGrammar(whole, boundary: boundary)
    let bytewise = run(body, boundary: boundary) { _ in 1 }
    check(same(whole, bytewise), "byte-by-byte feed differs from one feed:\n\(whole)\n\(bytewise)")
    let cut = body.isEmpty ? 0 : Int(input[input.count / 2]) * body.count / 256
    let split = run(body, boundary: boundary) { $0 == 0 && cut > 0 ? cut : Int.max }
    check(same(whole, split), "feed split at \(cut) differs from one feed:\n\(whole)\n\(split)")
    if whole.last == .end {
        // Written back as "name: value", a header block may grow past the original's limit.
        let roomy = MultipartLimits(maxPartHeaderBytes: 1 << 20, maxParts: limits.maxParts)
        let again = run(serialize(whole, boundary: boundary)[...], boundary: boundary, limits: roomy) { _ in Int.max }
        check(again == whole, "events do not survive a round trip:\n\(whole)\n\(again)")
    }
    return 0
}

// MARK: Seeds (scripts/fuzz.sh --seeds)

let seeds: [String: String] = [
    "upload": "multipart/form-data; boundary=----WebKitFormBoundary7MA4YWxkTrZu0gW\n"
        + "------WebKitFormBoundary7MA4YWxkTrZu0gW\r\nContent-Disposition: form-data; name=\"label\"\r\n\r\nbasic_1.0\r\n"
        + "------WebKitFormBoundary7MA4YWxkTrZu0gW\r\nContent-Disposition: form-data; name=\"file\"; filename=\"basic.tar.gz\"\r\n"
        + "Content-Type: application/gzip\r\n\r\n\u{1f}\u{8b}\u{8}\u{0}binary\r\n-- not a delimiter\r\n"
        + "------WebKitFormBoundary7MA4YWxkTrZu0gW--\r\n",
    "quoted-preamble": "multipart/form-data; charset=utf-8; boundary=\"a b:c\"\n"
        + "preamble\r\n--a b:c  \r\n\r\nno headers\r\n--a b:c\r\ncontent-disposition: form-data; name=x; filename=\"q\\\"uote.txt\"\r\n\r\n\r\n--a b:c--epilogue",
]

@_cdecl("LLVMFuzzerInitialize")
public func fuzzInitialize(_ argc: UnsafeMutablePointer<CInt>?, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>?) -> CInt {
    writeSeedsIfAsked(seeds.mapValues { Array($0.utf8) })
}
