@testable import AdminAPI
import Foundation
import Testing
import WebServer

/// The bound of a Fabric-backed route holds whatever its handler does: a handler that never
/// finishes is cancelled and the route answers 504 `deadline_exceeded` (the fault suite,
/// IntegrationTests/faults, checks every route against a frozen, stopped and slow network).
@Suite(.timeLimit(.minutes(1))) struct RouteDeadlineTests {
    @Test("a handler that never answers is cancelled at the bound and becomes 504 deadline_exceeded")
    func hangingHandler() async throws {
        let cancelled = CancelFlag()
        let start = ContinuousClock.now
        await #expect(throws: RouteDeadlineExceededError.self) {
            _ = try await RouteDeadline.run("GET /x", within: .milliseconds(200)) { () async throws -> Int in
                await withTaskCancellationHandler {
                    // Waits for the cancellation only: a stand-in for a call to a frozen peer.
                    await cancelled.waitForever()
                } onCancel: { cancelled.set() }
                throw CancellationError()
            }
        }
        // Not before the bound (how soon after it depends on the machine's load: no upper bound here;
        // the fault suite checks each route's documented bound against the real binary).
        let elapsed = ContinuousClock.now - start
        #expect(elapsed >= .milliseconds(200), "\(elapsed)")
        #expect(cancelled.isSet, "the handler must be cancelled")
        let error = RouteDeadlineExceededError(route: "GET /x", limit: .seconds(15)).httpError
        #expect(error.status == 504 && error.code == "deadline_exceeded")
        #expect(error.message.contains("GET /x") && error.message.contains("15 s"), "\(error.message)")
    }

    @Test("a handler that answers in time keeps its answer and its own errors")
    func handlerInTime() async throws {
        let value = try await RouteDeadline.run("GET /x", within: .seconds(10)) { 42 }
        #expect(value == 42)
        await #expect(throws: HTTPError.self) {
            _ = try await RouteDeadline.run("GET /x", within: .seconds(10)) { () async throws -> Int in throw HTTPError.notFound() }
        }
    }
}

/// Set once by a cancellation handler; `waitForever` returns when it is set.
private final class CancelFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var flag = false
    private var waiter: CheckedContinuation<Void, Never>?

    var isSet: Bool { lock.withLock { flag } }

    func set() {
        let w: CheckedContinuation<Void, Never>? = lock.withLock {
            flag = true
            defer { waiter = nil }
            return waiter
        }
        w?.resume()
    }

    func waitForever() async {
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            let resumeNow: Bool = lock.withLock {
                if flag { return true }
                waiter = c
                return false
            }
            if resumeNow { c.resume() }
        }
    }
}
