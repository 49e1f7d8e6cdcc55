import Testing
import Telemetry

/// The per-family cap on series and the cut on label values keep the registry bounded whatever
/// label values its callers pass.
@Suite struct MetricsRegistryBoundTests {
    @Test("label sets beyond a family's cap are folded into its one overflow series")
    func counterOverflow() {
        let m = MetricsRegistry()
        m.declareCounter("c_total", help: "C.", labels: ["a", "b"], maxSeries: 3)
        for i in 0..<100 { m.increment("c_total", ["v\(i)", "x"]) }
        m.increment("c_total", ["v1", "x"])
        #expect(m.seriesCount("c_total") == 4, "3 kept + overflow")
        let text = m.render()
        #expect(text.contains("c_total{a=\"v0\",b=\"x\"} 1\n"))
        #expect(text.contains("c_total{a=\"v1\",b=\"x\"} 2\n"), "an admitted series keeps counting after the cap is reached")
        #expect(text.contains("c_total{a=\"v2\",b=\"x\"} 1\n"))
        #expect(!text.contains("v3"))
        #expect(text.contains("c_total{a=\"overflow\",b=\"overflow\"} 97\n"))
    }

    @Test("histograms overflow the same way and keep every observation")
    func histogramOverflow() {
        let m = MetricsRegistry()
        m.declareHistogram("h_seconds", help: "H.", labels: ["route"], buckets: [1], maxSeries: 2)
        for i in 0..<50 { m.observe("h_seconds", ["/r\(i)"], 0.5) }
        #expect(m.seriesCount("h_seconds") == 3)
        let text = m.render()
        #expect(text.contains("h_seconds_count{route=\"overflow\"} 48\n"))
        #expect(text.contains("h_seconds_bucket{route=\"overflow\",le=\"1\"} 48\n"))
        #expect(text.contains("h_seconds_count{route=\"/r0\"} 1\n") && text.contains("h_seconds_count{route=\"/r1\"} 1\n"))
    }

    @Test("the default cap holds: 20,000 distinct label values leave a bounded family")
    func defaultCap() {
        let m = MetricsRegistry()
        m.declareCounter("d_total", help: "D.", labels: ["method"])
        let before = m.render().utf8.count
        for i in 0..<20_000 { m.increment("d_total", ["M\(i)"]) }
        #expect(m.seriesCount("d_total") == MetricsRegistry.defaultMaxSeriesPerFamily + 1)
        // Each kept series renders as one short line.
        #expect(m.render().utf8.count - before < (MetricsRegistry.defaultMaxSeriesPerFamily + 1) * 40)
    }

    @Test("long label values are cut to the documented length at a character boundary")
    func longValuesAreCut() {
        let m = MetricsRegistry()
        m.declareCounter("l_total", help: "L.", labels: ["v"])
        let long = String(repeating: "é", count: 4000)
        m.increment("l_total", [long])
        m.increment("l_total", [long + "different tail"])
        #expect(m.seriesCount("l_total") == 1, "values that agree on their kept prefix share a series")
        let kept = String(repeating: "é", count: MetricsRegistry.maxLabelValueBytes / 2)
        #expect(m.render().contains("l_total{v=\"\(kept)\"} 2\n"))
        #expect(m.render().utf8.count < 400)
    }
}
