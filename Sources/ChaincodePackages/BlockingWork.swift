import Foundation

/// Runs disk- and CPU-heavy work (inspection, fsync) on a fresh thread so neither the event
/// loop nor the cooperative pool blocks on it.
enum BlockingWork {
    static func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            let thread = Thread { continuation.resume(with: Result { try body() }) }
            thread.start()
        }
    }
}
