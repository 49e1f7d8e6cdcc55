@testable import ChaincodeLifecycle
import EventLoop
import Foundation
import Store
import Testing

/// Shutdown drains background work with a bound: what finishes is awaited, what does not is
/// cancelled once the bound passes, and nothing started after the drain began runs unseen.
@Suite("background tasks", .timeLimit(.minutes(2)))
struct BackgroundTasksTests {
    @Test("drain with nothing registered returns at once")
    func empty() async {
        // A drain that waited for its timeout (an hour) would fail by the suite's time limit.
        let tasks = BackgroundTasks()
        #expect(await tasks.drain(timeout: .seconds(3600)).isEmpty)
    }

    @Test("a registered task that finishes is awaited by drain")
    func finishing() async {
        let tasks = BackgroundTasks()
        let (gate, open) = AsyncStream<Void>.makeStream()
        let done = Locked(false)
        #expect(tasks.start("install op-1") {
            for await _ in gate { break }
            done.withLock { $0 = true }
        })
        #expect(tasks.running == ["install op-1"])
        async let left = tasks.drain(timeout: .seconds(60))
        open.yield()
        #expect(await left.isEmpty)
        // drain returned only once the task had finished.
        #expect(done.withLock { $0 })
        #expect(tasks.running.isEmpty)
    }

    @Test("tasks still running after the bound are cancelled and named, even one that ignores cancellation")
    func boundedWait() async {
        let tasks = BackgroundTasks()
        let (cancelled, reportCancelled) = AsyncStream<Bool>.makeStream()
        tasks.start("submit op-2") {
            do { try await Task.sleep(for: .seconds(3600)) } catch {}
            reportCancelled.yield(Task.isCancelled)
        }
        // This one never looks at cancellation: drain must not wait for it either.
        let stuck = Locked<CheckedContinuation<Void, Never>?>(nil)
        let (entered, reportEntered) = AsyncStream<Void>.makeStream()
        tasks.start("install op-3") {
            await withCheckedContinuation { c in
                stuck.withLock { $0 = c }
                reportEntered.yield()
            }
        }
        for await _ in entered { break }
        let clock = ContinuousClock()
        let started = clock.now
        #expect(await tasks.drain(timeout: .milliseconds(200)) == ["install op-3", "submit op-2"])
        #expect(clock.now - started < .seconds(30))
        var sawCancel = false
        for await c in cancelled { sawCancel = c; break }
        #expect(sawCancel)
        stuck.withLock { $0?.resume() }
    }

    @Test("once drain has begun, start refuses and runs nothing")
    func refusedAfterDrain() async {
        let tasks = BackgroundTasks()
        await tasks.drain(timeout: .seconds(1))
        let ran = Locked(false)
        #expect(!tasks.start("submit op-4") { ran.withLock { $0 = true } })
        #expect(tasks.running.isEmpty)
        #expect(await tasks.drain(timeout: .seconds(1)).isEmpty)
        #expect(!ran.withLock { $0 })
    }

    @Test("an operation refused at shutdown is recorded failed, saying why, and its caller gets shutting_down")
    func notStartedOperation() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("background-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let migrator = try Migrator(directory: LifecycleFixture.repoRoot.appendingPathComponent("migrations"))
        let queue = try DatabaseQueue(path: dir.appendingPathComponent("o.sqlite").path, migrator: migrator)
        let operations = OperationService(queue: queue, events: EventHub(), metrics: nil, logger: .init(label: "test"))
        let op = try await operations.save(GatewayOperation(kind: .submit, createdBy: "admin", target: "ch/cc", input: "{}",
                                                            steps: [.init(name: "submit", target: "put", state: .queued, message: "waiting")]))
        let error = await operations.notStarted(op)
        #expect(error.code == "shutting_down")
        let stored = try await operations.find(op.id)
        #expect(stored?.state == .failed)
        #expect(stored?.steps.first?.message == "not started: the gateway is shutting down")
        await queue.close()
    }
}
