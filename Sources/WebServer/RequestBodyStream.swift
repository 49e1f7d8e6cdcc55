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

    private struct State {
        var chunks: [[UInt8]] = []
        var head = 0
        var buffered = 0
        var finished = false
        var failure: HTTPError?
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
        let waiter = state.withLock { s -> CheckedContinuation<[UInt8]?, any Error>? in
            guard !s.finished else { return nil }
            s.finished = true
            s.failure = failure
            defer { s.waiter = nil }
            return s.waiter
        }
        if let failure { waiter?.resume(throwing: failure) } else { waiter?.resume(returning: nil) }
    }

    /// Consumer side: the next chunk, nil at the end; throws the producer's failure.
    public func next() async throws -> [UInt8]? {
        enum Step { case chunk([UInt8], resume: Bool), end, fail(HTTPError), wait }
        let step = state.withLock { s -> Step in
            if s.head < s.chunks.count {
                let c = s.chunks[s.head]
                s.head += 1
                s.buffered -= c.count
                if s.head == s.chunks.count { s.chunks.removeAll(keepingCapacity: true); s.head = 0 }
                var resume = false
                if s.paused && s.buffered < Self.lowWaterBytes { s.paused = false; resume = true }
                return .chunk(c, resume: resume)
            }
            if s.finished { return s.failure.map { .fail($0) } ?? .end }
            return .wait
        }
        switch step {
        case .chunk(let c, let r):
            if r { resume() }
            return c
        case .end: return nil
        case .fail(let e): throw e
        case .wait:
            return try await withCheckedThrowingContinuation { cont in
                let immediate = state.withLock { s -> Step? in
                    if s.finished { return s.failure.map { .fail($0) } ?? .end }
                    s.waiter = cont
                    return nil
                }
                switch immediate {
                case .fail(let e): cont.resume(throwing: e)
                case .end: cont.resume(returning: nil)
                default: break
                }
            }
        }
    }

    public struct AsyncIterator: AsyncIteratorProtocol {
        let stream: RequestBodyStream
        public mutating func next() async throws -> [UInt8]? { try await stream.next() }
    }

    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(stream: self) }
}
