import Synchronization

/// A request body delivered in chunks as they arrive, with back-pressure: the connection stops
/// reading the socket while more than `highWaterBytes` are buffered here and resumes once the
/// consumer has taken enough. Memory per upload is therefore bounded whatever the body size.
public final class RequestBodyStream: AsyncSequence, Sendable {
    public typealias Element = [UInt8]

    /// Above this many buffered bytes the socket is no longer read.
    public static let highWaterBytes = 1 << 20
    /// Reading resumes when the buffer drains below this.
    public static let lowWaterBytes = 256 << 10

    /// How the producer ended the body.
    enum End: Sendable {
        case complete
        /// The limit was exceeded, the connection was lost, the body timed out...
        case failed(HTTPError)
        /// The response went out before the body ended; the connection no longer reads it.
        case responseAlreadySent
    }

    /// Thrown to a consumer that reads on after its response was sent (only a streamed response
    /// body can still be reading then).
    public struct ResponseAlreadySent: Error, Sendable {}

    private struct State {
        var chunks: [[UInt8]] = []
        var head = 0
        var buffered = 0
        var end: End?
        var paused = false
        var waiter: CheckedContinuation<[UInt8]?, any Error>?
    }

    private let state = Mutex(State())
    /// Called (on any thread) when a paused producer may resume.
    private let resume: @Sendable () -> Void

    init(resume: @escaping @Sendable () -> Void) {
        self.resume = resume
    }

    /// Producer side (the connection). Returns true when the producer must pause.
    func push(_ bytes: [UInt8]) -> Bool {
        let (waiter, pause) = state.withLock { s -> (CheckedContinuation<[UInt8]?, any Error>?, Bool) in
            if let w = s.waiter {
                s.waiter = nil
                return (w, false)
            }
            s.chunks.append(bytes)
            s.buffered += bytes.count
            if s.buffered > Self.highWaterBytes { s.paused = true }
            return (nil, s.paused)
        }
        waiter?.resume(returning: bytes)
        return pause
    }

    /// Producer side: end of body, or the failure that ended it (limit exceeded, connection lost).
    func finish(_ failure: HTTPError? = nil) {
        finish(failure.map { .failed($0) } ?? .complete)
    }

    /// Producer side: ends the body; only the first end counts.
    func finish(_ end: End) {
        let waiter = state.withLock { s -> CheckedContinuation<[UInt8]?, any Error>? in
            guard s.end == nil else { return nil }
            s.end = end
            defer { s.waiter = nil }
            return s.waiter
        }
        switch end {
        case .complete: waiter?.resume(returning: nil)
        case .failed(let error): waiter?.resume(throwing: error)
        case .responseAlreadySent: waiter?.resume(throwing: ResponseAlreadySent())
        }
    }

    /// Consumer side: the next chunk, nil at the end; throws the producer's failure.
    public func next() async throws -> [UInt8]? {
        if let step = state.withLock({ Self.take(&$0) }) { return try finish(step) }
        let step: Step = try await withCheckedThrowingContinuation { cont in
            // Re-check under the same lock that registers the waiter: a chunk pushed since the
            // first look must be taken now, or it would be delivered out of order (or never,
            // while the producer is paused waiting for us).
            let ready = state.withLock { s -> Step? in
                if let step = Self.take(&s) { return step }
                s.waiter = cont
                return nil
            }
            guard let ready else { return }
            switch ready {
            case .chunk(let c, _): cont.resume(returning: c)
            case .end: cont.resume(returning: nil)
            case .fail(let e): cont.resume(throwing: e)
            }
            if case .chunk(_, true) = ready { resume() }
        }.map { Step.chunk($0, resume: false) } ?? .end
        return try finish(step)
    }

    private enum Step { case chunk([UInt8], resume: Bool), end, fail(any Error) }

    /// The next buffered chunk, the end, or the failure; nil when the consumer must wait.
    private static func take(_ s: inout State) -> Step? {
        if s.head < s.chunks.count {
            let c = s.chunks[s.head]
            s.head += 1
            s.buffered -= c.count
            if s.head == s.chunks.count { s.chunks.removeAll(keepingCapacity: true); s.head = 0 }
            var resume = false
            if s.paused && s.buffered < lowWaterBytes { s.paused = false; resume = true }
            return .chunk(c, resume: resume)
        }
        switch s.end {
        case nil: return nil
        case .complete: return .end
        case .failed(let error): return .fail(error)
        case .responseAlreadySent: return .fail(ResponseAlreadySent())
        }
    }

    private func finish(_ step: Step) throws -> [UInt8]? {
        switch step {
        case .chunk(let c, let r):
            if r { resume() }
            return c
        case .end: return nil
        case .fail(let e): throw e
        }
    }

    public struct AsyncIterator: AsyncIteratorProtocol {
        let stream: RequestBodyStream
        public mutating func next() async throws -> [UInt8]? { try await stream.next() }
    }

    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(stream: self) }
}
