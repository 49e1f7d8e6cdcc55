import EventLoop
import Logging

/// Work a request starts and does not wait for (an install's steps, a `wait:false` submit):
/// each task is registered under a name until it finishes, so shutdown can wait for it
/// (`drain`) instead of the process exiting mid-transaction with its operation left `running`.
///
/// Once `drain` has begun, `start` refuses new work and returns false without running it: a
/// task started then could outlive the wait and be cut off by the exit unseen. The caller
/// records that the work did not start (the operation fails with a message saying why).
public final class BackgroundTasks: Sendable {
    private struct Entry: Sendable {
        var name: String
        var task: Task<Void, Never>
        /// Cancelled as soon as `drain` begins: work that may wait indefinitely and resumes at the
        /// next start (a deployment waiting for approvals), which the drain must not wait for.
        var cancelOnDrain = false
    }

    private struct State: Sendable {
        var running: [UInt64: Entry] = [:]
        var nextID: UInt64 = 0
        var draining = false
        /// `drain` calls waiting for `running` to empty, by drain ID.
        var waiters: [UInt64: CheckedContinuation<Void, Never>] = [:]
        /// Drains whose bound passed before they began waiting (they must not wait at all).
        var expired: Set<UInt64> = []

        mutating func takeID() -> UInt64 {
            defer { nextID += 1 }
            return nextID
        }
    }

    private let state = Locked(State())
    let logger: Logger

    public init(logger: Logger = Logger(label: "gateway")) { self.logger = logger }

    /// Names of the tasks under way, sorted.
    public var running: [String] { state.withLock { $0.running.values.map(\.name) }.sorted() }

    /// Starts `work` on the global concurrent executor (a handler runs on its connection's
    /// event loop, which the work must not hold) and tracks it until it returns. Returns false,
    /// with nothing started, once `drain` has begun. `cancelOnDrain`: see `Entry`.
    @discardableResult
    public func start(_ name: String, cancelOnDrain: Bool = false, _ work: @escaping @Sendable () async -> Void) -> Bool {
        state.withLock { s in
            guard !s.draining else { return false }
            let id = s.takeID()
            // The task cannot finish (and so remove itself) before this lock is released.
            let task = Task(executorPreference: globalConcurrentExecutor) { [weak self] in
                await work()
                self?.finished(id)
            }
            s.running[id] = Entry(name: name, task: task, cancelOnDrain: cancelOnDrain)
            return true
        }
    }

    /// Refuses new work, waits up to `timeout` for the tasks under way, then cancels those still
    /// running, logs them and returns their names. A cancelled task is not awaited further: one
    /// that ignores cancellation must not hold the process past the bound.
    @discardableResult
    public func drain(timeout: Duration) async -> [String] {
        let (id, resumable) = state.withLock { s in
            s.draining = true
            return (s.takeID(), s.running.values.filter(\.cancelOnDrain).map(\.task))
        }
        for task in resumable { task.cancel() }
        let timer = Task { [weak self] in
            // Cancelled when every task finished first: nothing is left to wake.
            do { try await Task.sleep(for: timeout) } catch { return }
            self?.expire(id)
        }
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            let now = state.withLock { s in
                if s.running.isEmpty || s.expired.contains(id) { return true }
                s.waiters[id] = c
                return false
            }
            if now { c.resume() }
        }
        timer.cancel()
        await timer.value
        let left = state.withLock { s in
            s.expired.remove(id)
            return Array(s.running.values)
        }
        for entry in left { entry.task.cancel() }
        let names = left.map(\.name).sorted()
        if !names.isEmpty {
            logger.warning("background tasks still running at shutdown; cancelled", metadata: [
                "tasks": "\(names.joined(separator: ", "))", "waited": "\(timeout)",
            ])
        }
        return names
    }

    private func finished(_ id: UInt64) {
        let wake = state.withLock { s -> [CheckedContinuation<Void, Never>] in
            s.running[id] = nil
            guard s.running.isEmpty else { return [] }
            defer { s.waiters = [:] }
            return Array(s.waiters.values)
        }
        for waiter in wake { waiter.resume() }
    }

    private func expire(_ id: UInt64) {
        let waiter = state.withLock { s -> CheckedContinuation<Void, Never>? in
            if let waiter = s.waiters.removeValue(forKey: id) { return waiter }
            s.expired.insert(id)
            return nil
        }
        waiter?.resume()
    }
}
