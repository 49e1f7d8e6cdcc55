import Synchronization

/// A process-wide set of Prometheus-style metric families, rendered in the text exposition
/// format (version 0.0.4) for `GET /metrics`. Recording takes one short lock.
public final class MetricsRegistry: Sendable {
    private let families = Mutex<[String: Family]>([:])
    private let order = Mutex<[String]>([])

    public init() {}

    /// Default latency buckets in seconds: 0.5 ms to 30 s covers both a health check and a
    /// Fabric commit waiting for a block.
    public static let latencyBuckets: [Double] = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30]

    /// Most label sets one family keeps (the overflow series aside). Label values can come from
    /// outside (a request's method, a configured node name), and every distinct set is a series
    /// kept for the life of the process and rendered on every scrape: without a cap, anyone who
    /// can reach the port could grow memory and `/metrics` without bound. 500 is well above the
    /// largest legitimate family (HTTP requests: about 45 route templates, a few methods and
    /// statuses each) and bounds one histogram family's exposition to about 1 MB. Exceeding it:
    /// the new label set is counted in the family's overflow series instead.
    public static let defaultMaxSeriesPerFamily = 500
    /// Longest label value kept, in UTF-8 bytes; longer values are cut (at a character boundary)
    /// so that the cap above also bounds bytes, not just series. 128 bytes fits any route
    /// template, node address or gRPC method name the gateway records.
    public static let maxLabelValueBytes = 128
    /// Every label of the overflow series has this value.
    public static let overflowLabelValue = "overflow"

    struct Family {
        let name: String
        let help: String
        let kind: Kind
        var series: [[String]: Series] = [:]
        var labelNames: [String]
        let maxSeries: Int

        /// The key `labels` are recorded under: their own series while there is room (or it
        /// exists already), else the overflow series.
        func key(for labels: [String]) -> [String] {
            let values = labels.contains { $0.utf8.count > MetricsRegistry.maxLabelValueBytes } ? labels.map(MetricsRegistry.clipped) : labels
            if series[values] != nil { return values }
            let overflow = Array(repeating: MetricsRegistry.overflowLabelValue, count: labelNames.count)
            let kept = series.count - (series[overflow] == nil ? 0 : 1)
            return kept < maxSeries ? values : overflow
        }
    }

    enum Kind { case counter, histogram([Double]) }

    struct Series {
        var value: Double = 0
        var buckets: [UInt64] = []
        var sum: Double = 0
        var count: UInt64 = 0

        mutating func record(_ value: Double, _ bounds: [Double]) {
            for (i, b) in bounds.enumerated() where value <= b { buckets[i] += 1 }
            sum += value
            count += 1
        }
    }

    /// Declares a family once; later declarations with the same name are ignored. `maxSeries`
    /// caps its label sets (see `defaultMaxSeriesPerFamily`).
    public func declareCounter(_ name: String, help: String, labels: [String], maxSeries: Int = defaultMaxSeriesPerFamily) {
        declare(name, help, .counter, labels, maxSeries)
    }
    public func declareHistogram(_ name: String, help: String, labels: [String], buckets: [Double] = latencyBuckets,
                                 maxSeries: Int = defaultMaxSeriesPerFamily) {
        declare(name, help, .histogram(buckets), labels, maxSeries)
    }

    private func declare(_ name: String, _ help: String, _ kind: Kind, _ labels: [String], _ maxSeries: Int) {
        precondition(maxSeries >= 1, "a metric family needs room for at least one series")
        let isNew = families.withLock { f -> Bool in
            guard f[name] == nil else { return false }
            f[name] = Family(name: name, help: help, kind: kind, labelNames: labels, maxSeries: maxSeries)
            return true
        }
        if isNew { order.withLock { $0.append(name) } }
    }

    public func increment(_ name: String, _ labels: [String], by amount: Double = 1) {
        families.withLock { f in
            guard let key = f[name]?.key(for: labels) else { return }
            f[name]!.series[key, default: Series()].value += amount
        }
    }

    public func observe(_ name: String, _ labels: [String], _ value: Double) {
        families.withLock { f in
            guard case .histogram(let bounds)? = f[name]?.kind, let key = f[name]?.key(for: labels) else { return }
            // Mutated in place: copying the family or the series out and back would copy every
            // series' storage on each observation.
            f[name]!.series[key, default: Series(buckets: Array(repeating: 0, count: bounds.count))].record(value, bounds)
        }
    }

    /// How many series (label sets, the overflow series included) a family holds now.
    public func seriesCount(_ name: String) -> Int {
        families.withLock { $0[name]?.series.count ?? 0 }
    }

    /// The text exposition of every family, in declaration order.
    public func render() -> String {
        let names = order.withLock { $0 }
        let snapshot = families.withLock { $0 }
        var out = ""
        for name in names {
            guard let f = snapshot[name] else { continue }
            out += "# HELP \(name) \(f.help)\n"
            switch f.kind {
            case .counter:
                out += "# TYPE \(name) counter\n"
                for (labels, s) in f.series.sorted(by: { $0.key.lexicographicallyPrecedes($1.key) }) {
                    out += "\(name)\(Self.labelText(f.labelNames, labels)) \(Self.number(s.value))\n"
                }
            case .histogram(let bounds):
                out += "# TYPE \(name) histogram\n"
                for (labels, s) in f.series.sorted(by: { $0.key.lexicographicallyPrecedes($1.key) }) {
                    for (i, b) in bounds.enumerated() {
                        out += "\(name)_bucket\(Self.labelText(f.labelNames + ["le"], labels + [Self.number(b)])) \(s.buckets[i])\n"
                    }
                    out += "\(name)_bucket\(Self.labelText(f.labelNames + ["le"], labels + ["+Inf"])) \(s.count)\n"
                    out += "\(name)_sum\(Self.labelText(f.labelNames, labels)) \(Self.number(s.sum))\n"
                    out += "\(name)_count\(Self.labelText(f.labelNames, labels)) \(s.count)\n"
                }
            }
        }
        return out
    }

    static func labelText(_ names: [String], _ values: [String]) -> String {
        guard !names.isEmpty else { return "" }
        let pairs = zip(names, values).map { "\($0)=\"\(escape($1))\"" }
        return "{" + pairs.joined(separator: ",") + "}"
    }

    /// `v` cut to at most `maxLabelValueBytes` UTF-8 bytes, at a character boundary.
    static func clipped(_ v: String) -> String {
        guard v.utf8.count > maxLabelValueBytes else { return v }
        var out = ""
        var bytes = 0
        for c in v {
            bytes += c.utf8.count
            if bytes > maxLabelValueBytes { break }
            out.append(c)
        }
        return out
    }

    static func escape(_ v: String) -> String {
        var out = ""
        for c in v {
            switch c {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            default: out.append(c)
            }
        }
        return out
    }

    static func number(_ d: Double) -> String {
        if d == d.rounded(), abs(d) < 1e15 { return String(Int64(d)) }
        return "\(d)"
    }
}
