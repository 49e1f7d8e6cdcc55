import Glibc
import Synchronization
import SystemIO

/// A single-threaded reactor on epoll: descriptor interest, timers, and a cross-thread task
/// queue woken through an eventfd. Everything except `execute`, `stop` and `inEventLoop` must be
/// called on the loop thread. Handlers are retained while registered.
public final class EventLoop: @unchecked Sendable {
    private struct Slot {
        var generation: UInt32 = 0
        var handler: (any IOHandler)?
        var fd: Int32 = -1
        var interest: IOInterest = []
    }

    private let epoll: Epoll
    private let wakeup: EventFD
    private var slots: [Slot] = []
    private var freeSlots: [UInt32] = []
    private var timers = TimerQueue()
    /// Tasks for the loop thread. `signaled`: the eventfd has been written since the loop last
    /// took the tasks, so further producers need not write it again.
    private let pending = Mutex<(tasks: [@Sendable () -> Void], stopRequested: Bool, signaled: Bool)>(([], false, false))
    /// Set once `run()` has returned: later tasks run on their caller's thread, one at a time.
    private let finished = Mutex<(done: Bool, stopHooks: [@Sendable () -> Void])>((false, []))
    /// Tasks queued after the loop stopped, and whether a caller is running them: they run one at
    /// a time on the thread of whichever caller found the queue idle. A late task that queues
    /// another (a resumed continuation whose executor is this loop) only appends; the running
    /// caller picks it up, so no lock is held while a task runs and nothing re-enters one.
    private let lateTasks = Mutex<(queue: [@Sendable () -> Void], running: Bool)>(([], false))
    private var loopThread: pthread_t?
    /// The task array `runPendingTasks` swaps with the queue's, so neither allocates per pass.
    private var spareBatch: [@Sendable () -> Void] = []
    private static let wakeupToken = UInt64.max

    public init() throws {
        epoll = try Epoll()
        wakeup = try EventFD()
        try epoll.add(wakeup.fd, events: .readable, token: EventLoop.wakeupToken)
    }

    /// True when called on the thread running `run()`.
    public var inEventLoop: Bool {
        guard let t = loopThread else { return false }
        return pthread_equal(t, pthread_self()) != 0
    }

    /// Runs `task` on the loop thread soon. Safe from any thread.
    /// On the loop thread it only queues (the loop runs queued tasks before it waits again);
    /// from other threads the eventfd is written once per batch, not once per task.
    ///
    /// Once the loop has stopped, `task` runs at once on the caller's thread (serialized with
    /// other late tasks; the loop thread no longer touches anything), so nothing waits forever on
    /// a stopped loop.
    public func execute(_ task: @escaping @Sendable () -> Void) {
        let onLoop = inEventLoop
        let signal = pending.withLock { state -> Bool? in
            if state.stopRequested && finished.withLock({ $0.done }) { return nil }
            state.tasks.append(task)
            guard !onLoop, !state.signaled else { return false }
            state.signaled = true
            return true
        }
        switch signal {
        case nil: runLate(task)
        case true?: wakeup.signal()
        case false?: break
        }
    }

    /// Runs `hook` on the loop thread after its last pass, before `run()` returns (e.g. to close
    /// connections the loop drives). On a loop that has already stopped it runs at once.
    public func onStop(_ hook: @escaping @Sendable () -> Void) {
        let late = finished.withLock { state -> Bool in
            if state.done { return true }
            state.stopHooks.append(hook)
            return false
        }
        if late { runLate(hook) }
    }

    /// Runs `task` after the loop stopped, serialized with other late tasks (see `lateTasks`).
    private func runLate(_ task: @escaping @Sendable () -> Void) {
        let idle = lateTasks.withLock { state -> Bool in
            state.queue.append(task)
            guard !state.running else { return false }
            state.running = true
            return true
        }
        guard idle else { return }
        while let next = lateTasks.withLock({ state -> (@Sendable () -> Void)? in
            guard !state.queue.isEmpty else { state.running = false; return nil }
            return state.queue.removeFirst()
        }) {
            next()
        }
    }

    /// The loop whose `run()` is executing on the calling thread, if any.
    public static var current: EventLoop? {
        guard let raw = pthread_getspecific(currentKey) else { return nil }
        return Unmanaged<EventLoop>.fromOpaque(raw).takeUnretainedValue()
    }

    private static let currentKey: pthread_key_t = {
        var key = pthread_key_t()
        precondition(pthread_key_create(&key, nil) == 0, "pthread_key_create failed")
        return key
    }()

    /// Asks `run()` to return after the current pass. Safe from any thread.
    public func stop() {
        pending.withLock { $0.stopRequested = true; $0.signaled = true }
        wakeup.signal()
    }

    // MARK: Registration (loop thread)

    public func register(fd: Int32, interest: IOInterest, handler: any IOHandler) throws -> IORegistration {
        let slot: UInt32
        if let s = freeSlots.popLast() { slot = s } else {
            slot = UInt32(slots.count)
            slots.append(Slot())
        }
        slots[Int(slot)].handler = handler
        slots[Int(slot)].fd = fd
        slots[Int(slot)].interest = interest
        let reg = IORegistration(slot: slot, generation: slots[Int(slot)].generation, fd: fd)
        do {
            try epoll.add(fd, events: Self.events(for: interest), token: reg.token)
        } catch {
            release(slot)
            throw error
        }
        return reg
    }

    public func setInterest(_ r: IORegistration, _ interest: IOInterest) {
        guard isLive(r), slots[Int(r.slot)].interest != interest else { return }
        slots[Int(r.slot)].interest = interest
        // MOD fails only for a closed fd, which is a bug in the owner.
        do { try epoll.modify(r.fd, events: Self.events(for: interest), token: r.token) } catch {
            preconditionFailure("epoll MOD for fd \(r.fd) failed: \(error)")
        }
    }

    /// Removes the registration. Call before closing the descriptor. Idempotent.
    public func deregister(_ r: IORegistration) {
        guard isLive(r) else { return }
        epoll.remove(r.fd)
        release(r.slot)
    }

    private func isLive(_ r: IORegistration) -> Bool {
        Int(r.slot) < slots.count && slots[Int(r.slot)].generation == r.generation && slots[Int(r.slot)].handler != nil
    }

    private func release(_ slot: UInt32) {
        slots[Int(slot)].handler = nil
        slots[Int(slot)].fd = -1
        slots[Int(slot)].generation &+= 1
        freeSlots.append(slot)
    }

    private static func events(for interest: IOInterest) -> Epoll.Events {
        var e: Epoll.Events = [.readHangup]
        if interest.contains(.read) { e.insert(.readable) }
        if interest.contains(.write) { e.insert(.writable) }
        return e
    }

    // MARK: Timers (loop thread)

    @discardableResult
    public func scheduleTimer(afterNanos: UInt64, _ task: @escaping () -> Void) -> TimerID {
        timers.schedule(deadline: Sys.monotonicNanos() &+ afterNanos, task)
    }

    public func cancelTimer(_ id: TimerID) {
        timers.cancel(id)
    }

    // MARK: Running

    /// Runs the loop on the calling thread until `stop()`.
    public func run() {
        loopThread = pthread_self()
        pthread_setspecific(Self.currentKey, Unmanaged.passUnretained(self).toOpaque())
        defer {
            pthread_setspecific(Self.currentKey, nil)
            loopThread = nil
        }
        while true {
            let timeout = pending.withLock { $0.tasks.isEmpty } ? nextTimeoutMillis() : 0
            do {
                try epoll.wait(timeoutMillis: timeout) { events, token in dispatch(events, token) }
            } catch {
                preconditionFailure("epoll_wait failed: \(error)")
            }
            for task in timers.popDue(now: Sys.monotonicNanos()) { task() }
            if runPendingTasks() { break }
        }
        finish()
    }

    /// Runs the stop hooks, then whatever was queued until the loop counts as finished.
    private func finish() {
        while true {
            let hooks = finished.withLock { s in defer { s.stopHooks = [] }; return s.stopHooks }
            if hooks.isEmpty { break }
            for hook in hooks { hook() }
        }
        while true {
            let tasks = pending.withLock { state -> [@Sendable () -> Void] in
                let t = state.tasks
                state.tasks = []
                if t.isEmpty {
                    finished.withLock { f in
                        f.done = true
                    }
                }
                return t
            }
            if tasks.isEmpty { break }
            for task in tasks { task() }
        }
        // Hooks registered while the last tasks ran.
        let hooks = finished.withLock { s in defer { s.stopHooks = [] }; return s.stopHooks }
        for hook in hooks { hook() }
    }

    private func nextTimeoutMillis() -> Int32 {
        guard let deadline = timers.nextDeadline() else { return -1 }
        let now = Sys.monotonicNanos()
        if deadline <= now { return 0 }
        // Round up so a timer never fires early.
        return Int32(min((deadline - now + 999_999) / 1_000_000, 60_000))
    }

    private func dispatch(_ events: Epoll.Events, _ token: UInt64) {
        if token == EventLoop.wakeupToken {
            wakeup.drain()
            return
        }
        let slot = Int(token & 0xffff_ffff), generation = UInt32(token >> 32)
        guard slot < slots.count, slots[slot].generation == generation, let handler = slots[slot].handler else {
            return // stale event for a descriptor deregistered earlier in this pass
        }
        handler.ioReady(readable: events.contains(.readable),
                        writable: events.contains(.writable),
                        hangup: !events.isDisjoint(with: [.hangup, .error, .readHangup]))
    }

    /// Rounds of queued tasks run per pass before the loop polls descriptors again. A request
    /// handler resuming on the loop queues a few jobs in a row (task start, continuation, the
    /// gRPC call's start, the deferred flush); running them in one pass saves an epoll_wait
    /// per hop, and the cap keeps tasks that keep queueing tasks from starving I/O.
    static let taskRoundsPerPass = 8

    /// Runs the queued tasks, and the tasks they queue, for up to `taskRoundsPerPass` rounds;
    /// returns true when a stop was requested. Whatever is still queued runs in the next pass,
    /// whose wait then does not block.
    private func runPendingTasks() -> Bool {
        var batch = spareBatch
        for _ in 0..<Self.taskRoundsPerPass {
            let stop = pending.withLock { state -> Bool in
                swap(&state.tasks, &batch)
                state.signaled = false
                return state.stopRequested
            }
            if batch.isEmpty || stop {
                for task in batch { task() }
                batch.removeAll(keepingCapacity: true)
                spareBatch = batch
                return stop
            }
            for task in batch { task() }
            batch.removeAll(keepingCapacity: true)
        }
        spareBatch = batch
        return false
    }
}

/// Swift concurrency jobs of tasks that prefer this loop (`Task(executorPreference: loop)`) run
/// on the loop thread: a request handler awaiting I/O resumes where its connection lives,
/// without a hop through the global pool. Such tasks must not block.
extension EventLoop: TaskExecutor {
    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        execute { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}
