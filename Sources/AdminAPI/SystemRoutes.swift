import HTTP1
import JSON
import Telemetry
import WebServer

/// Unauthenticated operational endpoints: liveness, readiness.
enum SystemRoutes {
    static let healthBody: [UInt8] = JSONValue.object([("status", "ok")]).encoded()

    static func routes(metrics: MetricsRegistry, readiness: @escaping @Sendable () async -> [(String, Bool)]) -> [Route] {
        [
            Route("GET", "/metrics", handler: .inline { _ in
                Response(status: 200, headers: HTTPHeaders([("Content-Type", "text/plain; version=0.0.4; charset=utf-8")]),
                         body: .bytes(Array(metrics.render().utf8)))
            }),
            // Liveness: answered on the loop, no I/O, no allocation beyond the response.
            Route("GET", "/healthz", handler: .inline { _ in Response.json(healthBody) }),
            Route("GET", "/readyz", handler: .async { _ in
                let checks = await readiness()
                let ready = checks.allSatisfy(\.1)
                return Response.json(.object([
                    ("status", .string(ready ? "ready" : "not-ready")),
                    ("checks", .object(checks.map { ($0.0, .string($0.1 ? "ok" : "failing")) })),
                ]), status: ready ? 200 : 503)
            }),
        ]
    }
}
