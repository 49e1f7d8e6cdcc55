import Synchronization

/// A lock-protected value that threads, tasks and escaping closures can share (a class
/// around `Mutex`, which is non-copyable and so cannot be captured by an escaping closure).
public final class Locked<Value: Sendable>: Sendable {
    private let mutex: Mutex<Value>

    public init(_ value: Value) { mutex = Mutex(value) }

    public func withLock<R: Sendable>(_ body: (inout Value) -> R) -> R { mutex.withLock { body(&$0) } }
}
