import Foundation
import Glibc
import Testing
@testable import EventLoop
import SystemIO

private final class PipeReader: IOHandler {
    let fd: Int32
    var received: [UInt8] = []
    let onData: ([UInt8]) -> Void
    init(fd: Int32, onData: @escaping ([UInt8]) -> Void) { self.fd = fd; self.onData = onData }
    func ioReady(readable: Bool, writable: Bool, hangup: Bool) {
        var buf = [UInt8](repeating: 0, count: 64)
        let n = buf.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, 64) }
        if n > 0 { onData(Array(buf[0..<n])) }
    }
}

@Suite(.timeLimit(.minutes(2))) struct EventLoopTests {
    @Test("timers fire in deadline order and cancelled timers never fire")
    func timerOrder() async throws {
        let t = try EventLoopThread(name: "test-loop")
        defer { t.shutdown() }
        let order = Locked<[Int]>([])
        await withCheckedContinuation { (cont: CheckedContinuation<Void, Never>) in
            t.loop.execute {
                t.loop.scheduleTimer(afterNanos: 30_000_000) { order.withLock { $0.append(3) } ; cont.resume() }
                let cancelled = t.loop.scheduleTimer(afterNanos: 10_000_000) { order.withLock { $0.append(99) } }
                t.loop.scheduleTimer(afterNanos: 20_000_000) { order.withLock { $0.append(2) } }
                t.loop.scheduleTimer(afterNanos: 1_000_000) { order.withLock { $0.append(1) } }
                t.loop.cancelTimer(cancelled)
            }
        }
        #expect(order.withLock { $0 } == [1, 2, 3])
    }

    @Test("tasks from many threads all run on the loop thread")
    func crossThreadExecute() async throws {
        let t = try EventLoopThread(name: "test-loop")
        defer { t.shutdown() }
        let count = Locked(0)
        let onLoop = Locked(true)
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    for _ in 0..<250 {
                        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
                            t.loop.execute {
                                if !t.loop.inEventLoop { onLoop.withLock { $0 = false } }
                                count.withLock { $0 += 1 }
                                c.resume()
                            }
                        }
                    }
                }
            }
        }
        #expect(count.withLock { $0 } == 2000)
        #expect(onLoop.withLock { $0 })
    }

    /// A non-blocking pipe (read end, write end); the caller closes both.
    static func nonBlockingPipe() -> (read: Int32, write: Int32) {
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        _ = fcntl(fds[0], F_SETFL, O_NONBLOCK)
        return (fds[0], fds[1])
    }

    @Test("a registered pipe reports readability and deregistered fds are silent")
    func pipeReadability() async throws {
        let t = try EventLoopThread(name: "test-loop")
        defer { t.shutdown() }
        let (readFD, writeFD) = Self.nonBlockingPipe()
        defer { close(readFD); close(writeFD) }
        let got: [UInt8] = await withCheckedContinuation { (cont: CheckedContinuation<[UInt8], Never>) in
            t.loop.execute {
                nonisolated(unsafe) var reg: IORegistration?
                let reader = PipeReader(fd: readFD) { data in
                    t.loop.deregister(reg!)
                    cont.resume(returning: data)
                }
                reg = try! t.loop.register(fd: readFD, interest: .read, handler: reader)
                _ = [UInt8]("ping".utf8).withUnsafeBytes { Glibc.write(writeFD, $0.baseAddress, 4) }
            }
        }
        #expect(got == Array("ping".utf8))
    }

    @Test("a task that keeps queueing tasks starves neither descriptors nor timers")
    func endlessTasksDoNotStarveIO() async throws {
        let t = try EventLoopThread(name: "test-loop")
        defer { t.shutdown() }
        let (readFD, writeFD) = Self.nonBlockingPipe()
        defer { close(readFD); close(writeFD) }
        let spins = Locked(0), running = Locked(true)
        // Queues its successor from the loop thread, forever until told to stop: with tasks run
        // in unbounded rounds the loop would never poll again.
        @Sendable func spin() {
            spins.withLock { $0 += 1 }
            if running.withLock({ $0 }) { t.loop.execute(spin) }
        }
        // Both the pipe's data and the timer must arrive while the chain runs; which comes first
        // does not matter (a loaded machine may see both ready in one poll), a starved one never
        // arrives and fails the test by its time limit.
        let (got, timerFired): ([UInt8], Bool) = await withCheckedContinuation { cont in
            t.loop.execute {
                spin()
                nonisolated(unsafe) var reg: IORegistration?
                nonisolated(unsafe) var fired = false
                nonisolated(unsafe) var data: [UInt8]?
                func finishWhenBoth() {
                    if fired, let data { cont.resume(returning: (data, fired)) }
                }
                t.loop.scheduleTimer(afterNanos: 1_000_000) { fired = true; finishWhenBoth() }
                let reader = PipeReader(fd: readFD) { bytes in
                    t.loop.deregister(reg!)
                    data = bytes
                    finishWhenBoth()
                }
                reg = try! t.loop.register(fd: readFD, interest: .read, handler: reader)
            }
            DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(21)) {
                _ = [UInt8]("ping".utf8).withUnsafeBytes { Glibc.write(writeFD, $0.baseAddress, 4) }
            }
        }
        running.withLock { $0 = false }
        #expect(got == Array("ping".utf8))
        #expect(timerFired)
        #expect(spins.withLock { $0 } > 100)  // the chain ran all along
    }
}
