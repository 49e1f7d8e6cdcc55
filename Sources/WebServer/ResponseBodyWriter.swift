import HTTP1

/// Writes a streaming (chunked) response body from any task. Each `write` returns once the
/// connection has room for more, so a slow client slows the producer instead of growing memory.
public final class ResponseBodyWriter: Sendable {
    let enqueue: @Sendable ([UInt8], @escaping @Sendable (Bool) -> Void) -> Void

    init(enqueue: @escaping @Sendable ([UInt8], @escaping @Sendable (Bool) -> Void) -> Void) {
        self.enqueue = enqueue
    }

    /// Thrown once the client has gone away.
    public struct ClientGone: Error, Sendable {}

    public func write(_ bytes: [UInt8]) async throws {
        guard !bytes.isEmpty else { return }
        let ok = await withCheckedContinuation { (c: CheckedContinuation<Bool, Never>) in
            enqueue(bytes) { c.resume(returning: $0) }
        }
        if !ok { throw ClientGone() }
    }

    public func write(_ text: String) async throws {
        try await write(Array(text.utf8))
    }
}
