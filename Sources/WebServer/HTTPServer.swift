import EventLoop
import Foundation
import Logging
import SystemIO

/// The HTTP/1.1 server: `threads` event loops, each accepting on its own SO_REUSEPORT listener.
public final class HTTPServer: Sendable {
    public let config: HTTPServerConfiguration
    private let threads: [EventLoopThread]
    private let loops: [LoopBound<ServerLoop>]
    /// The bound port (useful with port 0).
    public let port: Int
    private let shutDown = Locked(false)

    /// Binds, listens and starts serving. Throws `SystemError` (e.g. EADDRINUSE) on bind failure.
    public init(config: HTTPServerConfiguration, app: HTTPApplication) throws {
        Sys.ignoreSIGPIPE()
        Sys.raiseFileLimit()
        self.config = config
        var address = try SocketAddress.parse(config.host.contains(":") ? "[\(config.host)]:\(config.port)" : "\(config.host):\(config.port)")
        let counter = ConnectionCounter()
        var threads: [EventLoopThread] = []
        var loops: [LoopBound<ServerLoop>] = []
        var port = config.port
        do {
            for i in 0..<max(1, config.threads) {
                let listener = try ListeningSocket(bindTo: address, reusePort: true)
                if i == 0 {
                    port = listener.localAddress.port
                    address = try SocketAddress.parse(config.host.contains(":") ? "[\(config.host)]:\(port)" : "\(config.host):\(port)")
                }
                let t = try EventLoopThread(name: "http-\(i)")
                let sl = ServerLoop(loop: t.loop, listener: listener, config: config, app: app, counter: counter, index: i)
                threads.append(t)
                loops.append(LoopBound(sl))
                try Self.onLoop(t.loop) { try sl.start() }
            }
        } catch {
            for t in threads { t.shutdown() }
            throw error
        }
        self.threads = threads
        self.loops = loops
        self.port = port
    }

    /// Runs `body` on `loop` and waits for it (setup only).
    private static func onLoop(_ loop: EventLoop, _ body: @escaping () throws -> Void) throws {
        let sem = DispatchSemaphore(value: 0)
        let box = LoopBound(body)
        let result = Locked<(any Error)?>(nil)
        loop.execute {
            do { try box.value() } catch { result.withLock { $0 = error } }
            sem.signal()
        }
        sem.wait()
        if let e = result.withLock({ $0 }) { throw e }
    }

    /// Graceful shutdown: stop accepting, finish in-flight requests within the grace period,
    /// close idle connections, stop the loops. Idempotent.
    public func shutdown() async {
        let first = shutDown.withLock { done -> Bool in
            defer { done = true }
            return !done
        }
        guard first else { return }
        await withTaskGroup(of: Void.self) { group in
            for (t, sl) in zip(threads, loops) {
                group.addTask {
                    await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
                        t.loop.execute { sl.value.beginDrain { c.resume() } }
                    }
                }
            }
        }
        for t in threads { t.shutdown() }
    }
}
