import HTTP1

/// A request as handlers see it.
public struct Request: Sendable {
    public let method: String
    /// The raw (percent-encoded) path.
    public let path: String
    public let rawQuery: String
    public let headers: HTTPHeaders
    public let requestID: String
    public let remoteAddress: String
    /// Values of `{name}` segments of the matched route, percent-decoded.
    public internal(set) var pathParameters: [String: String] = [:]
    /// The matched route's pattern (for logs and metrics), or nil for static files.
    public internal(set) var routePattern: String?
    public internal(set) var body: RequestBody
    /// What the route's admission check returned for a request with a body (`AdmissionResult.admit`);
    /// nil when no check ran (no body, or no admission on the route).
    public internal(set) var admitted: (any Sendable)?

    public init(method: String, path: String, rawQuery: String, headers: HTTPHeaders, requestID: String,
                remoteAddress: String, body: RequestBody = .none) {
        self.method = method
        self.path = path
        self.rawQuery = rawQuery
        self.headers = headers
        self.requestID = requestID
        self.remoteAddress = remoteAddress
        self.body = body
    }

    /// Decoded query parameters; the first value wins for repeated names.
    public var query: [String: String] {
        var out: [String: String] = [:]
        for pair in rawQuery.split(separator: "&") {
            let kv = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let k = PercentDecoding.decode(kv[0], plusAsSpace: true) else { continue }
            let v = kv.count > 1 ? (PercentDecoding.decode(kv[1], plusAsSpace: true) ?? "") : ""
            if out[k] == nil { out[k] = v }
        }
        return out
    }

    /// The whole buffered body (empty when none). Streaming routes use `body.stream`.
    public var bodyBytes: [UInt8] {
        if case .buffered(let b) = body { return b }
        return []
    }
}

/// How a route receives its body.
public enum RequestBody: Sendable {
    case none
    case buffered([UInt8])
    case stream(RequestBodyStream)
    /// The declared or received body exceeded the route's limit and was not read. Only routes
    /// created with `deferBodyLimit` see this (they answer 413 after their own checks).
    case tooLarge(limit: Int)
}

/// Percent-decoding for paths and queries (RFC 3986 §2.1).
public enum PercentDecoding {
    /// Returns nil for malformed escapes or invalid UTF-8.
    public static func decode<S: StringProtocol>(_ s: S, plusAsSpace: Bool = false) -> String? {
        // Most segments carry no escape: they are already valid UTF-8 (they are a String).
        if !s.utf8.contains(where: { $0 == UInt8(ascii: "%") || (plusAsSpace && $0 == UInt8(ascii: "+")) }) { return String(s) }
        var out: [UInt8] = []
        out.reserveCapacity(s.utf8.count)
        var it = s.utf8.makeIterator()
        while let c = it.next() {
            if c == UInt8(ascii: "%") {
                guard let h = it.next(), let l = it.next(), let hv = hexValue(h), let lv = hexValue(l) else { return nil }
                out.append(hv << 4 | lv)
            } else if plusAsSpace && c == UInt8(ascii: "+") {
                out.append(0x20)
            } else {
                out.append(c)
            }
        }
        return String(validating: out, as: UTF8.self)
    }

    static func hexValue(_ c: UInt8) -> UInt8? {
        switch c {
        case 0x30...0x39: return c - 0x30
        case 0x41...0x46: return c - 0x41 + 10
        case 0x61...0x66: return c - 0x61 + 10
        default: return nil
        }
    }
}
