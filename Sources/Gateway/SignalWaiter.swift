import Dispatch
import Glibc

/// Suspends until SIGTERM or SIGINT arrives.
enum SignalWaiter {
    static func waitForTermination() async {
        signal(SIGTERM, SIG_IGN)
        signal(SIGINT, SIG_IGN)
        let queue = DispatchQueue(label: "signals")
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            let once = Once(c)
            for sig in [SIGTERM, SIGINT] {
                let source = DispatchSource.makeSignalSource(signal: sig, queue: queue)
                source.setEventHandler { once.fire() }
                source.resume()
                Sources.keep.append(source)
            }
        }
    }

    /// Runs `action` on every SIGHUP (e.g. reload the TLS certificate) for the process lifetime.
    /// Main task only, like `waitForTermination`.
    static func onHangup(_ action: @escaping @Sendable () -> Void) {
        signal(SIGHUP, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: SIGHUP, queue: DispatchQueue(label: "sighup"))
        source.setEventHandler(handler: action)
        source.resume()
        Sources.keep.append(source)
    }

    /// Keeps signal sources alive for the process lifetime (touched only on the main task).
    private enum Sources { nonisolated(unsafe) static var keep: [any DispatchSourceSignal] = [] }

    private final class Once: @unchecked Sendable {
        private var continuation: CheckedContinuation<Void, Never>?
        private let lock = DispatchQueue(label: "once")
        init(_ c: CheckedContinuation<Void, Never>) { continuation = c }
        func fire() { lock.sync { continuation?.resume(); continuation = nil } }
    }
}
