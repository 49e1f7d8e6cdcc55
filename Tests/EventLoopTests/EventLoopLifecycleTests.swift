import Foundation
import Testing
@testable import EventLoop
import SystemIO

@Suite(.timeLimit(.minutes(2))) struct EventLoopLifecycleTests {
    @Test("EventLoop.current is the loop on its thread and nil elsewhere")
    func current() async throws {
        let t = try EventLoopThread(name: "test-loop")
        defer { t.shutdown() }
        #expect(EventLoop.current == nil)
        let same = await withCheckedContinuation { (c: CheckedContinuation<Bool, Never>) in
            t.loop.execute { c.resume(returning: EventLoop.current === t.loop) }
        }
        #expect(same)
    }

    @Test("stop hooks run on the loop thread before it stops; later tasks and hooks run at once on the caller")
    func stopHooksAndLateTasks() throws {
        let t = try EventLoopThread(name: "test-loop")
        let hookOnLoop = Locked<Bool?>(nil)
        t.loop.onStop { hookOnLoop.withLock { $0 = t.loop.inEventLoop } }
        t.shutdown()
        #expect(hookOnLoop.withLock { $0 } == true)

        let ran = Locked(0)
        t.loop.execute { ran.withLock { $0 += 1 } }   // must not be lost nor wait for a dead loop
        #expect(ran.withLock { $0 } == 1)
        t.loop.onStop { ran.withLock { $0 += 10 } }
        #expect(ran.withLock { $0 } == 11)
    }

    @Test("a task run after the loop stopped may queue another (a resumed continuation does): no re-entered lock, both run in order")
    func lateTaskQueuesAnother() throws {
        let t = try EventLoopThread(name: "test-loop")
        t.shutdown()
        let order = Locked<[String]>([])
        t.loop.execute {
            order.withLock { $0.append("outer start") }
            t.loop.execute { order.withLock { $0.append("inner") } }
            order.withLock { $0.append("outer end") }
        }
        #expect(order.withLock { $0 } == ["outer start", "outer end", "inner"])
    }

    @Test("a task preferring the loop runs its code on the loop thread, also after an await")
    func taskExecutor() async throws {
        let t = try EventLoopThread(name: "test-loop")
        defer { t.shutdown() }
        let loop = t.loop
        let results = await Task(executorPreference: loop) { () -> [Bool] in
            let before = loop.inEventLoop
            try? await Task.sleep(for: .milliseconds(5))
            let after = loop.inEventLoop
            return [before, after]
        }.value
        #expect(results == [true, true])
    }
}

@Suite struct MemoryTuningTests {
    @Test("glibc accepts the server's malloc thresholds (serve applies them at start-up)")
    func thresholdsAccepted() {
        #expect(MemoryTuning.applyServerDefaults())
    }
}
