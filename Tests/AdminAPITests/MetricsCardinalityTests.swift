@testable import AdminAPI
import Foundation
import Testing
import TestSupport

/// `/metrics` is open (no token): nothing a client sends may mint new series.
@Suite struct MetricsCardinalityTests {
    /// Lines of the HTTP request counter in an exposition.
    static func requestSeries(_ text: String) -> [Substring] {
        text.split(separator: "\n").filter { $0.hasPrefix(HTTPMetrics.requests + "{") }
    }

    /// The `method` label values of the HTTP request counter.
    static func methodLabels(_ text: String) -> Set<String> {
        Set(requestSeries(text).compactMap { line in
            guard let start = line.range(of: "method=\"")?.upperBound,
                  let end = line[start...].firstIndex(of: "\"") else { return nil }
            return String(line[start..<end])
        })
    }

    @Test("500 requests with random 1,000 to 4,000-letter methods and random paths leave /metrics bounded")
    func randomMethodsAreFolded() async throws {
        try await withGateway { fx in
            let before = try await fx.request("GET", "/metrics")
            #expect(before.status == 200)
            let port = fx.port
            let statuses = try await onThread { () -> [Int] in
                var rng = SystemRandomNumberGenerator()
                let letters = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".utf8)
                return try (0..<500).map { i in
                    let length = Int.random(in: 1000...4000, using: &rng)
                    let method = String(decoding: (0..<length).map { _ in letters.randomElement(using: &rng)! }, as: UTF8.self)
                    let path = i % 2 == 0 ? "/x\(UInt64.random(in: 0...UInt64.max, using: &rng))" : "/api/v1/packages/p\(i)"
                    return try TestClient.request(port: port, method: method, path: path).status
                }
            }
            #expect(statuses.allSatisfy { (400..<500).contains($0) }, "unknown methods are refused: \(Set(statuses))")
            let after = try await fx.request("GET", "/metrics")
            #expect(after.status == 200)
            let labels = Self.methodLabels(after.text)
            #expect(labels.isSubset(of: HTTPMetrics.knownMethods.union([HTTPMetrics.otherMethod])), "method labels: \(labels.map { $0.prefix(20) })")
            #expect(labels.contains(HTTPMetrics.otherMethod))
            // The burst may add a few series (method "other" x route x status), not one per request.
            let added = Self.requestSeries(after.text).count - Self.requestSeries(before.text).count
            #expect(added <= 4, "\(added) series added")
            #expect(after.body.count - before.body.count < 8 * 1024, "/metrics grew by \(after.body.count - before.body.count) bytes")
            let other = Self.requestSeries(after.text).filter { $0.contains("method=\"other\"") }
            let counted = other.compactMap { $0.split(separator: " ").last.flatMap { Int($0) } }.reduce(0, +)
            #expect(counted == 500, "every request is still counted, as method=\"other\"")
        }
    }

    @Test("known methods keep their own label; routes are labelled by template, not by path")
    func knownMethodsAndTemplates() async throws {
        try await withGateway { fx in
            _ = try await fx.request("GET", "/api/v1/packages/nope:01", token: fx.viewer)
            _ = try await fx.request("GET", "/api/v1/packages/nope:02", token: fx.viewer)
            let text = try await fx.request("GET", "/metrics").text
            let series = Self.requestSeries(text).filter { $0.contains("route=\"/api/v1/packages/{packageId}\"") }
            #expect(series.contains { $0.contains("method=\"GET\"") && $0.contains("status=\"404\"") && $0.hasSuffix(" 2") },
                    "\(series)")
            #expect(!text.contains("nope:01"))
            #expect(HTTPMetrics.methodLabel("get") == "other", "methods are case-sensitive (RFC 9110 §9.1)")
            #expect(HTTPMetrics.methodLabel("PATCH") == "PATCH")
        }
    }
}
