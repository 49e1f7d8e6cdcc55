/// The parsed request line and header section.
public struct HTTPRequestHead: Sendable, Equatable {
    public var method: String
    /// The raw request target as sent (origin-form: path and optional query).
    public var target: String
    /// HTTP minor version: 0 or 1.
    public var minorVersion: Int
    public var headers: HTTPHeaders
    /// Whether the connection may be reused after this request (RFC 9112 §9.3).
    public var keepAlive: Bool
    /// `Expect: 100-continue` was sent.
    public var expectsContinue: Bool
    /// Declared body framing.
    public var bodyFraming: BodyFraming

    public init(method: String, target: String, minorVersion: Int = 1, headers: HTTPHeaders = HTTPHeaders(),
                keepAlive: Bool = true, expectsContinue: Bool = false, bodyFraming: BodyFraming = .none) {
        self.method = method
        self.target = target
        self.minorVersion = minorVersion
        self.headers = headers
        self.keepAlive = keepAlive
        self.expectsContinue = expectsContinue
        self.bodyFraming = bodyFraming
    }

    public enum BodyFraming: Sendable, Equatable {
        case none
        case contentLength(Int)
        case chunked
    }

    /// The path part of the target (before `?`), still percent-encoded.
    public var path: Substring {
        if let q = queryMark { return target[..<q] }
        return target[...]
    }

    /// The query part of the target (after `?`), or empty.
    public var query: Substring {
        if let q = queryMark { return target[target.utf8.index(after: q)...] }
        return ""
    }

    /// The `?`, found among the bytes: searching Characters would run grapheme breaking over
    /// the whole target on every call.
    private var queryMark: String.Index? { target.utf8.firstIndex(of: UInt8(ascii: "?")) }

    public var hasBody: Bool {
        switch bodyFraming {
        case .none: return false
        case .contentLength(let n): return n > 0
        case .chunked: return true
        }
    }
}
