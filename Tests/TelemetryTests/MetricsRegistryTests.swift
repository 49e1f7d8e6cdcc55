import Testing
import Telemetry

@Suite struct MetricsRegistryTests {
    @Test("counters and histograms render in the Prometheus text format")
    func render() {
        let m = MetricsRegistry()
        m.declareCounter("http_requests_total", help: "Requests.", labels: ["route", "status"])
        m.declareHistogram("latency_seconds", help: "Latency.", labels: ["route"], buckets: [0.1, 1])
        m.increment("http_requests_total", ["/a", "200"])
        m.increment("http_requests_total", ["/a", "200"])
        m.increment("http_requests_total", ["/b\"x", "404"])
        m.observe("latency_seconds", ["/a"], 0.05)
        m.observe("latency_seconds", ["/a"], 0.5)
        m.observe("latency_seconds", ["/a"], 5)
        let text = m.render()
        #expect(text.contains("# TYPE http_requests_total counter\n"))
        #expect(text.contains("http_requests_total{route=\"/a\",status=\"200\"} 2\n"))
        #expect(text.contains("http_requests_total{route=\"/b\\\"x\",status=\"404\"} 1\n"))
        #expect(text.contains("latency_seconds_bucket{route=\"/a\",le=\"0.1\"} 1\n"))
        #expect(text.contains("latency_seconds_bucket{route=\"/a\",le=\"1\"} 2\n"))
        #expect(text.contains("latency_seconds_bucket{route=\"/a\",le=\"+Inf\"} 3\n"))
        #expect(text.contains("latency_seconds_count{route=\"/a\"} 3\n"))
    }

    @Test("recording into an undeclared family is ignored, not a crash")
    func undeclared() {
        let m = MetricsRegistry()
        m.increment("nope", ["x"])
        #expect(m.render().isEmpty)
    }
}
