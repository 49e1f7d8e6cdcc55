import ChaincodeLifecycle
import FabricAccess
import JSON
import WebServer

/// `GET /api/v1/operations[/{operationId}]`, both with `?wait` long-polling.
enum OperationRoutes {
    static let maxLimit = 500

    static func routes(_ lc: @escaping LifecycleProvider) -> [APIRoute] {
        [
            APIRoute("GET", "/api/v1/operations", .read) { ctx in
                let paging = try Paging(ctx.request, maxLimit: maxLimit)
                // Empty parameters (`?kind=&state=`) mean "any".
                let q = ctx.request.query.filter { !$0.value.isEmpty }
                if let k = q["kind"], GatewayOperation.Kind(rawValue: k) == nil { throw HTTPError.badRequest("unknown kind '\(k)'", code: "invalid_query") }
                if let st = q["state"], GatewayOperation.State(rawValue: st) == nil { throw HTTPError.badRequest("unknown state '\(st)'", code: "invalid_query") }
                // ?wait=30s: the page once any operation of the kind asked for changes (or the wait ends).
                if let poll = try LongPoll(ctx.request) {
                    try await lc().operations.waitForChange(kind: q["kind"].flatMap(GatewayOperation.Kind.init), timeout: poll.timeout, until: poll.until)
                }
                let page = try await lc().operations.list(kind: q["kind"], state: q["state"], limit: paging.limit, offset: paging.offset)
                return .json(.object([("items", .array(page.items.map(\.json))), ("total", .int(page.total)),
                                      ("limit", .int(paging.limit)), ("offset", .int(paging.offset))]))
            },
            APIRoute("GET", "/api/v1/operations/{operationId}", .read) { ctx in
                let id = ctx.pathParameter("operationId")
                // ?wait=30s[&until=...]: long-polling, the request parked until the operation changes.
                let found: GatewayOperation?
                if let poll = try LongPoll(ctx.request) {
                    found = try await lc().operations.wait(id, timeout: poll.timeout, until: poll.until)
                } else {
                    found = try await lc().operations.find(id)
                }
                guard let op = found else { throw LifecycleError.notFound("operation", "no operation with ID '\(id)'") }
                return .json(op.json)
            },
        ]
    }
}
