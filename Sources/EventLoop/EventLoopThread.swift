import Foundation
import Synchronization

/// An event loop running on its own thread.
public final class EventLoopThread: Sendable {
    public let loop: EventLoop
    private let finished = Mutex<Bool>(false)
    private let done: DispatchSemaphore

    public init(name: String) throws {
        let loop = try EventLoop()
        self.loop = loop
        let done = DispatchSemaphore(value: 0)
        self.done = done
        let thread = Thread {
            loop.run()
            done.signal()
        }
        thread.name = name
        thread.stackSize = 1 << 20
        thread.start()
    }

    /// Stops the loop and waits for its thread to finish. Idempotent; never call on the loop itself.
    public func shutdown() {
        let first = finished.withLock { f -> Bool in
            defer { f = true }
            return !f
        }
        guard first else { return }
        precondition(!loop.inEventLoop, "EventLoopThread.shutdown() called on its own loop")
        loop.stop()
        done.wait()
    }
}
