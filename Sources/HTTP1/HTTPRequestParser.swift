/// What the parser found in the bytes it was given.
public enum HTTPParserEvent: Sendable, Equatable {
    /// A complete request head.
    case head(HTTPRequestHead)
    /// Body bytes: this range of the buffer passed to `parse` (already de-chunked).
    case body(Range<Int>)
    /// The current request's body is complete; the next bytes belong to the next request.
    case end
    /// Nothing more can be parsed from the given bytes.
    case needMoreData
}

/// Incremental HTTP/1.1 request parser (RFC 9112). Pure: no I/O, no allocation of body bytes.
///
/// The caller keeps a buffer of unconsumed bytes and calls `parse` until `.needMoreData`,
/// dropping `consumed` bytes after each call. Feeding the same bytes split at any point
/// yields the same events (tests check every split).
public struct HTTPRequestParser: Sendable {
    enum State: Sendable, Equatable {
        case head(scanned: Int)
        case endPending
        case fixedBody(remaining: Int)
        case chunkSize
        case chunkData(remaining: Int)
        case chunkDataEnd
        case trailers(total: Int)
    }

    public let limits: HTTPParserLimits
    private(set) var state: State = .head(scanned: 0)

    public init(limits: HTTPParserLimits = .default) {
        self.limits = limits
    }

    /// True between requests (nothing of the next request parsed yet).
    public var isIdle: Bool { state == .head(scanned: 0) }

    public mutating func parse(_ buf: UnsafeRawBufferPointer) throws(HTTPParseError) -> (event: HTTPParserEvent, consumed: Int) {
        switch state {
        case .head(let scanned):
            return try parseHead(buf, scanned: scanned)
        case .endPending:
            state = .head(scanned: 0)
            return (.end, 0)
        case .fixedBody(let remaining):
            if buf.isEmpty { return (.needMoreData, 0) }
            let n = min(remaining, buf.count)
            state = remaining - n == 0 ? .endPending : .fixedBody(remaining: remaining - n)
            return (.body(0..<n), n)
        case .chunkSize:
            return try parseChunkSize(buf)
        case .chunkData(let remaining):
            if buf.isEmpty { return (.needMoreData, 0) }
            let n = min(remaining, buf.count)
            state = remaining - n == 0 ? .chunkDataEnd : .chunkData(remaining: remaining - n)
            return (.body(0..<n), n)
        case .chunkDataEnd:
            if buf.count < 2 { return (.needMoreData, 0) }
            guard buf[0] == 0x0d, buf[1] == 0x0a else { throw .bad("chunk data not followed by CRLF") }
            state = .chunkSize
            return try parseChunkSize(UnsafeRawBufferPointer(rebasing: buf[2...]), alreadyConsumed: 2)
        case .trailers(let total):
            return try parseTrailers(buf, total: total)
        }
    }

    /// Called after `.end` when the body was not read (e.g. the request was refused early).
    public mutating func reset() { state = .head(scanned: 0) }

    // MARK: Head

    private mutating func parseHead(_ buf: UnsafeRawBufferPointer, scanned: Int) throws(HTTPParseError) -> (event: HTTPParserEvent, consumed: Int) {
        // Tolerate empty lines before a request (RFC 9112 §2.2).
        var skip = 0
        while skip + 1 < buf.count, buf[skip] == 0x0d, buf[skip + 1] == 0x0a { skip += 2 }
        return try parseHeadAfterSkip(buf, skip: skip, scanned: skip > 0 ? 0 : scanned)
    }

    private mutating func parseHeadAfterSkip(_ full: UnsafeRawBufferPointer, skip: Int, scanned: Int) throws(HTTPParseError) -> (event: HTTPParserEvent, consumed: Int) {
        let buf = UnsafeRawBufferPointer(rebasing: full[skip...])
        let end = Self.findHeadEnd(buf, from: max(0, scanned - 3))
        try checkHeadLimits(buf, headLength: end, scanned: scanned)
        guard let end else {
            state = .head(scanned: buf.count)
            return (.needMoreData, skip)
        }
        let head = try HTTPHeadParser(limits: limits).parse(UnsafeRawBufferPointer(rebasing: buf[..<end]))
        switch head.bodyFraming {
        case .none, .contentLength(0): state = .endPending
        case .contentLength(let n): state = .fixedBody(remaining: n)
        case .chunked: state = .chunkSize
        }
        return (.head(head), skip + end)
    }

    /// Applies the head limits by what the bytes are, never by how they were split into reads:
    /// a request line longer than `maxRequestLineBytes` is 414 (RFC 9112 §3) whether or not the
    /// rest of the head has arrived with it; only a header section over `maxHeaderBytes` is 431.
    /// `headLength` is the complete head's length, or nil while it is still arriving (then every
    /// byte of `buf` belongs to the head).
    private func checkHeadLimits(_ buf: UnsafeRawBufferPointer, headLength: Int?, scanned: Int) throws(HTTPParseError) {
        // The line plus CRLF fits in `lineLimit + 2` bytes; its LF is searched for there only.
        // Once that many bytes were scanned without a 414, the line is known to fit.
        let lineLimit = limits.maxRequestLineBytes
        if scanned < lineLimit + 2, buf.count > lineLimit + 1 {
            let window = UnsafeRawBufferPointer(rebasing: buf[..<(lineLimit + 2)])
            if Self.find(0x0a, in: window, from: 0) == nil { throw .uriTooLong(lineLimit) }
        }
        if (headLength ?? buf.count) > limits.maxHeaderBytes {
            throw .headersTooLarge("request header section larger than \(limits.maxHeaderBytes) bytes")
        }
    }

    /// Index just past the CRLFCRLF that ends the head, if present.
    static func findHeadEnd(_ buf: UnsafeRawBufferPointer, from: Int) -> Int? {
        var i = from
        while i + 3 < buf.count {
            if buf[i + 3] == 0x0a {
                if buf[i] == 0x0d && buf[i + 1] == 0x0a && buf[i + 2] == 0x0d { return i + 4 }
                i += 1
            } else if buf[i + 3] == 0x0d {
                i += 1
            } else {
                i += 4
            }
        }
        return nil
    }

    static func find(_ byte: UInt8, in buf: UnsafeRawBufferPointer, from: Int) -> Int? {
        var i = from
        while i < buf.count {
            if buf[i] == byte { return i }
            i += 1
        }
        return nil
    }

    /// True once `buf` holds the blank line that ends a request head.
    public static func signalsCompleteHead(_ buf: UnsafeRawBufferPointer) -> Bool {
        findHeadEnd(buf, from: 0) != nil
    }

    // MARK: Chunked body (RFC 9112 §7.1)

    private mutating func parseChunkSize(_ buf: UnsafeRawBufferPointer, alreadyConsumed: Int = 0) throws(HTTPParseError) -> (event: HTTPParserEvent, consumed: Int) {
        guard let lf = Self.find(0x0a, in: buf, from: 0) else {
            if buf.count > limits.maxChunkLineBytes { throw .bad("chunk size line too long") }
            if alreadyConsumed > 0 { return (.needMoreData, alreadyConsumed) }
            return (.needMoreData, 0)
        }
        // Length first: the same line must fail the same way whether or not its LF has arrived
        // yet (without it only the length is known). Found by Fuzz/Targets/http.swift.
        if lf > limits.maxChunkLineBytes { throw .bad("chunk size line too long") }
        guard lf > 0, buf[lf - 1] == 0x0d else { throw .bad("chunk size line not terminated by CRLF") }
        let size = try ChunkSizeLine.parse(UnsafeRawBufferPointer(rebasing: buf[..<(lf - 1)]))
        let consumed = alreadyConsumed + lf + 1
        if size == 0 {
            state = .trailers(total: 0)
        } else {
            state = .chunkData(remaining: size)
        }
        return try continueAfter(consumed: consumed, buf: UnsafeRawBufferPointer(rebasing: buf[(lf + 1)...]))
    }

    private mutating func continueAfter(consumed: Int, buf: UnsafeRawBufferPointer) throws(HTTPParseError) -> (event: HTTPParserEvent, consumed: Int) {
        let r = try parse(buf)
        switch r.event {
        case .body(let range): return (.body((range.lowerBound + consumed)..<(range.upperBound + consumed)), consumed + r.consumed)
        default: return (r.event, consumed + r.consumed)
        }
    }

    /// Trailer fields after the last chunk are read and discarded, up to the header limit.
    private mutating func parseTrailers(_ buf: UnsafeRawBufferPointer, total: Int) throws(HTTPParseError) -> (event: HTTPParserEvent, consumed: Int) {
        var pos = 0
        var total = total
        while true {
            guard let lf = Self.find(0x0a, in: buf, from: pos) else {
                if total + buf.count - pos > limits.maxHeaderBytes {
                    throw .headersTooLarge("trailer section larger than \(limits.maxHeaderBytes) bytes")
                }
                state = .trailers(total: total)
                return (.needMoreData, pos)
            }
            // Size first, as while the line is still arriving (431, not 400, however it is split).
            let lineLength = lf + 1 - pos
            total += lineLength
            if total > limits.maxHeaderBytes {
                throw .headersTooLarge("trailer section larger than \(limits.maxHeaderBytes) bytes")
            }
            guard lf > pos, buf[lf - 1] == 0x0d else { throw .bad("trailer line not terminated by CRLF") }
            pos = lf + 1
            if lineLength == 2 {
                state = .head(scanned: 0)
                return (.end, pos)
            }
        }
    }

    @inline(__always) static func hexValue(_ c: UInt8) -> Int? {
        switch c {
        case 0x30...0x39: return Int(c - 0x30)
        case 0x41...0x46: return Int(c - 0x41 + 10)
        case 0x61...0x66: return Int(c - 0x61 + 10)
        default: return nil
        }
    }
}
