import Synchronization
import TLSCrypto

/// The TLS context new connections start with. A certificate reload swaps it; connections
/// already open keep the context they began with (their session holds it), so a reload drops
/// nothing. Shared by every loop.
public final class TLSContextProvider: Sendable {
    private let context: Mutex<TLSServerContext>

    public init(_ context: TLSServerContext) {
        self.context = Mutex(context)
    }

    /// The context for the next connection.
    public var current: TLSServerContext { context.withLock { $0 } }

    /// Serves `replacement` to connections accepted from now on.
    public func replace(with replacement: TLSServerContext) {
        context.withLock { $0 = replacement }
    }
}
