import EventLoop
import Foundation

/// Hands a stream's elements to its consumer in batches: a reader child task drains the stream
/// into a buffer while the consumer works on the previous batch, so a catch-up writes many
/// blocks per SQLite transaction (and thread hand-off) and a live block, arriving alone, is
/// handed over at once. Order is kept; the stream's end or error comes after its elements.
public final class DeliverBatcher<Element: Sendable>: Sendable {
    private enum End { case finished, failed(any Error) }
    private struct State {
        var items: [Element] = []
        var end: End?
        var waiter: CheckedContinuation<Void, Never>?
    }

    private let state = Locked(State())

    /// Runs `consume` with batches of at most `limit` elements of `stream` until it ends (its
    /// error is rethrown) or `consume` throws; the stream is dropped (its call cancelled) on return.
    static func run(_ stream: AsyncThrowingStream<Element, any Error>, limit: Int,
                    consume: ([Element]) async throws -> Void) async throws {
        let batcher = DeliverBatcher()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await batcher.read(stream) }
            defer { group.cancelAll() }
            while let batch = try await batcher.next(limit: limit) {
                try await consume(batch)
            }
        }
    }

    private func read(_ stream: AsyncThrowingStream<Element, any Error>) async {
        do {
            for try await element in stream { wake { $0.items.append(element) } }
            wake { $0.end = .finished }
        } catch {
            wake { $0.end = .failed(error) }
        }
    }

    private func wake(_ change: (inout State) -> Void) {
        let waiter = state.withLock { s -> CheckedContinuation<Void, Never>? in
            change(&s)
            defer { s.waiter = nil }
            return s.waiter
        }
        waiter?.resume()
    }

    /// The next elements (waits for at least one); nil once the stream finished; throws its error.
    private func next(limit: Int) async throws -> [Element]? {
        while true {
            try Task.checkCancellation()
            let (batch, end) = state.withLock { s -> ([Element], End?) in
                let batch = Array(s.items.prefix(limit))
                s.items.removeFirst(batch.count)
                return (batch, s.end)
            }
            if !batch.isEmpty { return batch }
            switch end {
            case .finished?: return nil
            case .failed(let error)?: throw error
            case nil: await waitForChange()
            }
        }
    }

    private func waitForChange() async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
                let ready = state.withLock { s -> Bool in
                    if !s.items.isEmpty || s.end != nil || Task.isCancelled { return true }
                    s.waiter = c
                    return false
                }
                if ready { c.resume() }
            }
        } onCancel: {
            wake { _ in }
        }
    }
}
