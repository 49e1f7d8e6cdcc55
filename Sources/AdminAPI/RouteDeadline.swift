import JSON
import WebServer

/// The bound within which a Fabric-backed route answers, whatever the network does: the
/// handler runs as a child task beside a timer, and when the timer wins the handler is
/// cancelled (gRPC calls end with CANCELLED, `GRPCChannel.unary`) and the route answers 504.
/// Each gRPC call has a shorter deadline of its own (`FabricNetwork.queryTimeout`,
/// `FabricTimeouts`), so the usual 504 names the peer that did not answer; this bound is the
/// promise documented as `x-deadline-seconds` in openapi.yaml when calls add up (several peers
/// asked in turn, several orgs approved in one request).
enum RouteDeadline {
    /// Reads answered by one or two queries, each peer asked in turn with the query deadline
    /// (`FabricNetwork.queryTimeout`, 5 s): three frozen peers fit.
    static let query: Duration = .seconds(15)
    /// Reads that combine several queries (approval status: commit readiness, each org's approved
    /// definition, the channel configuration) and drafts (the committed definition, each org's
    /// installed packages).
    static let composite: Duration = .seconds(30)
    /// Transactions awaited until committed (submit, approve, commit): endorse, order and wait
    /// for the commit event, each step bounded by `FabricTimeouts`; a frozen peer or orderer
    /// answers 504 within this bound, and the operation row says how it ended.
    static let transaction: Duration = .seconds(60)

    /// `body`'s result, or `RouteDeadlineExceededError` once `limit` has passed.
    static func run<T: Sendable>(_ route: String, within limit: Duration, _ body: @escaping @Sendable () async throws -> T)
        async throws -> T {
        try await withThrowingTaskGroup(of: T.self) { group in
            group.addTask { try await body() }
            group.addTask {
                try await Task.sleep(for: limit)  // a deadline, not synchronisation
                throw RouteDeadlineExceededError(route: route, limit: limit)
            }
            defer { group.cancelAll() }
            guard let first = try await group.next() else { throw CancellationError() }
            return first
        }
    }
}

/// A route did not finish within its documented bound (504 `deadline_exceeded`).
struct RouteDeadlineExceededError: HTTPErrorConvertible, CustomStringConvertible {
    let route: String
    let limit: Duration

    var seconds: Int { Int(limit.components.seconds) }
    var description: String { "\(route) did not finish within \(seconds) s" }

    var httpError: HTTPError {
        HTTPError(status: 504, code: "deadline_exceeded",
                  message: "\(route) did not finish within its deadline of \(seconds) s: the Fabric network did not answer in time",
                  details: [("deadlineSeconds", .int(seconds))])
    }
}
