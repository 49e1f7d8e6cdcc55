import HTTP1

/// How a route's request body is received.
public enum BodyMode: Sendable {
    /// Collected in memory up to `limit` bytes before the handler runs (413 beyond).
    case buffered(limit: Int)
    /// Handed to the handler as a `RequestBodyStream` while it arrives (413 beyond `limit`).
    case stream(limit: Int)

    /// Small JSON documents: 1 MiB.
    public static let defaultBuffered = BodyMode.buffered(limit: 1 << 20)

    var limit: Int {
        switch self {
        case .buffered(let l), .stream(let l): return l
        }
    }
}

public typealias AsyncHandler = @Sendable (Request) async throws -> Response
public typealias InlineHandler = @Sendable (Request) throws -> Response

/// A route's check of a request before any of its body is read (and before `100 Continue`):
/// a request that will be refused gets its final status without the client sending, or the
/// server reading, its body (RFC 9110 §10.1.1 lets a server answer instead of 100).
public typealias Admission = @Sendable (Request) async -> AdmissionResult

public enum AdmissionResult: Sendable {
    /// Read the body and run the handler; the value reaches it as `Request.admitted` (the caller
    /// the check identified), so the handler need not check again.
    case admit(any Sendable)
    /// Answer with this response; the unread body is not read, and the connection closes.
    case refuse(Response)
}

/// One entry of the route table.
public struct Route: Sendable {
    public enum Handler: Sendable {
        /// Runs as a Swift task off the event loop (anything touching disk, SQLite or the network).
        case async(AsyncHandler)
        /// Runs on the event loop: only for handlers that do no I/O (health checks).
        case inline(InlineHandler)
    }

    public let method: String
    public let pattern: String
    public let bodyMode: BodyMode
    /// When true, a body over the limit reaches the handler as `.tooLarge` instead of the server
    /// answering 413 itself: an API authenticates and audits before refusing the size.
    public let deferBodyLimit: Bool
    /// Runs when the request has a body, before it is read; nil: none.
    public let admission: Admission?
    public let handler: Handler
    let segments: [Segment]

    enum Segment: Sendable, Equatable {
        case literal(String)
        case parameter(String)
    }

    public init(_ method: String, _ pattern: String, body: BodyMode = .defaultBuffered, deferBodyLimit: Bool = false,
                admission: Admission? = nil, handler: Handler) {
        precondition(pattern.hasPrefix("/"), "route pattern must start with '/': \(pattern)")
        self.method = method
        self.pattern = pattern
        self.bodyMode = body
        self.deferBodyLimit = deferBodyLimit
        self.admission = admission
        self.handler = handler
        self.segments = pattern.split(separator: "/", omittingEmptySubsequences: false).dropFirst().map { s in
            if s.hasPrefix("{") && s.hasSuffix("}") { return .parameter(String(s.dropFirst().dropLast())) }
            return .literal(String(s))
        }
    }
}

/// Matches a method and path against the route table. HEAD falls back to GET.
public struct Router: Sendable {
    public let routes: [Route]
    /// Routes without parameters by exact raw path: most requests match with one lookup.
    private let literal: [String: [Route]]
    /// Routes with parameters by segment count, in table order: only these can bind a path.
    private let bySegmentCount: [Int: [Route]]

    public enum Match {
        case found(Route, [String: String])
        case methodNotAllowed(allowed: [String])
        case notFound
        /// The path has a malformed percent-escape or an encoded slash in a parameter.
        case badPath
    }

    public init(_ routes: [Route]) {
        self.routes = routes
        var literal: [String: [Route]] = [:]
        for r in routes where !r.segments.contains(where: { if case .parameter = $0 { return true } else { return false } }) {
            literal[r.pattern, default: []].append(r)
        }
        self.literal = literal
        var bySegmentCount: [Int: [Route]] = [:]
        for r in routes { bySegmentCount[r.segments.count, default: []].append(r) }
        self.bySegmentCount = bySegmentCount
    }

    public func match(method: String, path: String) -> Match {
        if let candidates = literal[path] {
            for r in candidates where r.method == method { return .found(r, [:]) }
            if method == "HEAD", let r = candidates.first(where: { $0.method == "GET" }) { return .found(r, [:]) }
        }
        // Split on the byte '/', not on Characters (grapheme breaking costs per character);
        // '/' is ASCII, so every piece is still whole scalars.
        let raw = path.utf8.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false).dropFirst().map(Substring.init)
        var decoded: [String] = []
        decoded.reserveCapacity(raw.count)
        for r in raw {
            guard let d = PercentDecoding.decode(r), !d.utf8.contains(UInt8(ascii: "/")) else { return .badPath }
            decoded.append(d)
        }
        var allowed: [String] = []
        var getMatch: (Route, [String: String])?
        for route in bySegmentCount[decoded.count] ?? [] {
            guard let params = Self.bind(route.segments, decoded) else { continue }
            if route.method == method { return .found(route, params) }
            if route.method == "GET" && method == "HEAD" { getMatch = (route, params) }
            allowed.append(route.method)
        }
        if let g = getMatch { return .found(g.0, g.1) }
        if allowed.isEmpty { return .notFound }
        if allowed.contains("GET") { allowed.append("HEAD") }
        return .methodNotAllowed(allowed: Array(Set(allowed)).sorted())
    }

    static func bind(_ segments: [Route.Segment], _ path: [String]) -> [String: String]? {
        guard segments.count == path.count else { return nil }
        // Check every segment before allocating the parameters: most routes fail on a literal.
        for (seg, value) in zip(segments, path) {
            switch seg {
            case .literal(let l): if l != value { return nil }
            case .parameter: if value.isEmpty { return nil }
            }
        }
        var params: [String: String] = [:]
        for case (.parameter(let name), let value) in zip(segments, path) { params[name] = value }
        return params
    }
}
