import ChaincodeLifecycle
import Foundation
import HTTP1
import WebServer

/// `GET /api/v1/events`: Server-Sent Events (operation, approval, commit), `Last-Event-ID` resume.
enum EventRoutes {
    /// Comment line sent when idle so proxies and clients see the stream is alive.
    static let pingInterval: Duration = .seconds(15)

    static func routes(_ lc: @escaping LifecycleProvider) -> [APIRoute] {
        [
            APIRoute("GET", "/api/v1/events", .read) { ctx in
                let hub = try lc().events
                let last = ctx.request.headers["Last-Event-ID"].flatMap { Int($0.trimmingCharacters(in: .whitespaces)) }
                let headers = HTTPHeaders([("Content-Type", "text/event-stream"), ("Cache-Control", "no-cache")])
                return Response(status: 200, headers: headers, body: .stream { writer in
                    try await stream(hub, after: last, to: writer)
                })
            },
        ]
    }

    static func stream(_ hub: EventHub, after last: Int?, to writer: ResponseBodyWriter) async throws {
        try await writer.write(": connected\n\n")
        let events = hub.subscribe(after: last)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                for await event in events { try await writer.write(event.wire) }
            }
            group.addTask {
                while true {
                    try await Task.sleep(for: pingInterval)
                    try await writer.write(": ping\n\n")
                }
            }
            // Either side ending (client gone: write throws) ends the stream.
            _ = try await group.next()
            group.cancelAll()
        }
    }
}
