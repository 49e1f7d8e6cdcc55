import Telemetry

/// The HTTP metric families and the hook the server calls once per completed request.
///
/// Label values are bounded here because the server reports what the client sent: the method
/// is any token the parser accepts (RFC 9110 §9.1), so only the methods below become label
/// values and every other one is counted as `other`. The route is already the matched route's
/// template (`/api/v1/packages/{packageId}`) or `static` for anything else, never the raw path.
enum HTTPMetrics {
    static let requests = "gateway_http_requests_total"
    static let duration = "gateway_http_request_duration_seconds"

    /// The methods of RFC 9110 §9 plus PATCH (RFC 5789): a fixed set, so a client cannot mint
    /// series by inventing method names.
    static let knownMethods: Set<String> = ["GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH"]
    /// The method label of any method not in `knownMethods`.
    static let otherMethod = "other"

    static func declare(in m: MetricsRegistry) {
        m.declareCounter(requests, help: "HTTP requests by method, route pattern and status.", labels: ["method", "route", "status"])
        m.declareHistogram(duration, help: "HTTP request latency (head received to response written).", labels: ["route"])
    }

    /// The label value for a request method (methods are case-sensitive: `get` is not `GET`).
    static func methodLabel(_ method: String) -> String {
        knownMethods.contains(method) ? method : otherMethod
    }

    static func recorder(_ m: MetricsRegistry) -> @Sendable (String, String, Int, UInt64) -> Void {
        { method, route, status, nanos in
            m.increment(requests, [methodLabel(method), route, String(status)])
            m.observe(duration, [route], Double(nanos) / 1e9)
        }
    }
}
