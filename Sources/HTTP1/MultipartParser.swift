/// Incremental `multipart/form-data` parser (RFC 7578, RFC 2046 §5.1). Feed it the body in any
/// split; part bodies come out as chunks as soon as they cannot be the start of a delimiter, so
/// a 100 MiB file part streams in constant memory. Does no I/O.
public struct MultipartParser: Sendable {
    private enum State: Sendable { case preamble, afterDelimiter, headers, body, epilogue }

    public let limits: MultipartLimits
    /// "\r\n--" + boundary: every delimiter, including the first once a CRLF is prepended.
    private let delimiter: [UInt8]
    private var state: State = .preamble
    private var buffer: [UInt8] = Array("\r\n".utf8)
    private var start = 0
    private var parts = 0

    /// - Parameter boundary: from `MultipartParser.boundary(contentType:)`.
    public init(boundary: String, limits: MultipartLimits = MultipartLimits()) {
        precondition(!boundary.isEmpty && boundary.utf8.count <= 70, "invalid boundary; validate with boundary(contentType:)")
        self.limits = limits
        self.delimiter = Array("\r\n--\(boundary)".utf8)
    }

    /// Feeds the next bytes of the body; returns the events they complete.
    public mutating func feed<Bytes: Collection>(_ bytes: Bytes) throws -> [MultipartEvent] where Bytes.Element == UInt8 {
        buffer.append(contentsOf: bytes)
        var events: [MultipartEvent] = []
        while try step(&events) {}
        compact()
        return events
    }

    /// Declares the end of the body; throws unless the closing boundary was seen.
    public func finish() throws {
        guard state == .epilogue else { throw MultipartError.unexpectedEnd }
    }

    /// One transition; false when more input is needed.
    private mutating func step(_ events: inout [MultipartEvent]) throws -> Bool {
        switch state {
        case .preamble:
            if let at = find(delimiter) {
                start = at + delimiter.count
                state = .afterDelimiter
                return true
            }
            start = max(start, buffer.count - (delimiter.count - 1))  // preamble is discarded
            return false
        case .afterDelimiter:
            return try afterDelimiter(&events)
        case .headers:
            return try headers(&events)
        case .body:
            return body(&events)
        case .epilogue:
            start = buffer.count
            return false
        }
    }

    /// After "--boundary": "--" closes the body; else optional spaces/tabs then CRLF open a part.
    private mutating func afterDelimiter(_ events: inout [MultipartEvent]) throws -> Bool {
        guard buffer.count - start >= 2 else { return false }
        if buffer[start] == UInt8(ascii: "-") && buffer[start + 1] == UInt8(ascii: "-") {
            state = .epilogue
            events.append(.end)
            return true
        }
        var i = start
        while i < buffer.count && (buffer[i] == 0x20 || buffer[i] == 0x09) { i += 1 }
        guard i - start <= 64 else { throw MultipartError.malformedDelimiter }
        guard buffer.count - i >= 2 else { return false }
        guard buffer[i] == 0x0d && buffer[i + 1] == 0x0a else { throw MultipartError.malformedDelimiter }
        start = i + 2
        state = .headers
        return true
    }

    private mutating func headers(_ events: inout [MultipartEvent]) throws -> Bool {
        let end: Int
        if buffer.count - start >= 2 && buffer[start] == 0x0d && buffer[start + 1] == 0x0a {
            end = start  // no header fields at all
        } else if let at = find(Array("\r\n\r\n".utf8)) {
            end = at + 2
        } else {
            guard buffer.count - start <= limits.maxPartHeaderBytes else {
                throw MultipartError.partHeadersTooLarge(limit: limits.maxPartHeaderBytes)
            }
            return false
        }
        guard end + 2 - start <= limits.maxPartHeaderBytes else {
            throw MultipartError.partHeadersTooLarge(limit: limits.maxPartHeaderBytes)
        }
        parts += 1
        guard parts <= limits.maxParts else { throw MultipartError.tooManyParts(limit: limits.maxParts) }
        let headers = try MultipartPartHeaders.parse(buffer[start..<end])
        start = end + 2
        state = .body
        events.append(.partBegin(headers))
        return true
    }

    /// Emits body bytes that cannot begin a delimiter; ends the part at the delimiter.
    private mutating func body(_ events: inout [MultipartEvent]) -> Bool {
        if let at = find(delimiter) {
            if at > start { events.append(.bodyChunk(Array(buffer[start..<at]))) }
            events.append(.partEnd)
            start = at + delimiter.count
            state = .afterDelimiter
            return true
        }
        let safe = buffer.count - (delimiter.count - 1)
        if safe > start {
            events.append(.bodyChunk(Array(buffer[start..<safe])))
            start = safe
        }
        return false
    }

    /// First index ≥ start where `needle` occurs in the buffer.
    private func find(_ needle: [UInt8]) -> Int? {
        guard buffer.count - start >= needle.count else { return nil }
        let first = needle[0]
        var i = start
        let last = buffer.count - needle.count
        return buffer.withUnsafeBufferPointer { hay in
            needle.withUnsafeBufferPointer { pin in
                while i <= last {
                    if hay[i] == first && memEqual(hay, i, pin) { return i }
                    i += 1
                }
                return nil
            }
        }
    }

    private func memEqual(_ hay: UnsafeBufferPointer<UInt8>, _ at: Int, _ needle: UnsafeBufferPointer<UInt8>) -> Bool {
        for j in 1..<needle.count where hay[at + j] != needle[j] { return false }
        return true
    }

    /// Drops consumed bytes so the buffer stays at most one delimiter (or header block) long.
    private mutating func compact() {
        if start > 0 {
            buffer.removeSubrange(0..<start)
            start = 0
        }
    }
}
