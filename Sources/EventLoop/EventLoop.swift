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
    private var loopThread: pthread_t?
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
    public func execute(_ task: @escaping @Sendable () -> Void) {
        let onLoop = inEventLoop
        let signal = pending.withLock { state -> Bool in
            state.tasks.append(task)
            guard !onLoop, !state.signaled else { return false }
            state.signaled = true
            return true
        }
        if signal { wakeup.signal() }
    }

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
        defer { loopThread = nil }
        while true {
            let timeout = pending.withLock { $0.tasks.isEmpty } ? nextTimeoutMillis() : 0
            do {
                try epoll.wait(timeoutMillis: timeout) { events, token in dispatch(events, token) }
            } catch {
                preconditionFailure("epoll_wait failed: \(error)")
            }
            for task in timers.popDue(now: Sys.monotonicNanos()) { task() }
            if runPendingTasks() { return }
        }
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

    /// Runs the queued tasks; returns true when a stop was requested. Tasks they queue run in
    /// the next pass, whose wait then does not block.
    private func runPendingTasks() -> Bool {
        let (tasks, stop) = pending.withLock { state -> ([@Sendable () -> Void], Bool) in
            let t = state.tasks
            state.tasks.removeAll(keepingCapacity: true)
            state.signaled = false
            return (t, state.stopRequested)
        }
        for task in tasks { task() }
        return stop
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
