import Telemetry

/// The HTTP metric families and the hook the server calls once per completed request.
enum HTTPMetrics {
    static let requests = "gateway_http_requests_total"
    static let duration = "gateway_http_request_duration_seconds"

    static func declare(in m: MetricsRegistry) {
        m.declareCounter(requests, help: "HTTP requests by method, route pattern and status.", labels: ["method", "route", "status"])
        m.declareHistogram(duration, help: "HTTP request latency (head received to response written).", labels: ["route"])
    }

    static func recorder(_ m: MetricsRegistry) -> @Sendable (String, String, Int, UInt64) -> Void {
        { method, route, status, nanos in
            m.increment(requests, [method, route, String(status)])
            m.observe(duration, [route], Double(nanos) / 1e9)
        }
    }
}
