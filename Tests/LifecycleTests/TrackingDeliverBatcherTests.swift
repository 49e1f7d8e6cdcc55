@testable import AdminAPI
@testable import ChaincodeLifecycle
import EventLoop
import Testing

/// DeliverBatcher: how the block listener batches a Deliver stream.
@Suite("deliver batcher", .timeLimit(.minutes(2)))
struct TrackingDeliverBatcherTests {
    struct Boom: Error, Equatable {}

    static func stream(_ items: [Int], end: (any Error)? = nil, terminated: Locked<Bool>? = nil) -> AsyncThrowingStream<Int, any Error> {
        let (stream, continuation) = AsyncThrowingStream.makeStream(of: Int.self, throwing: (any Error).self)
        continuation.onTermination = { _ in terminated?.withLock { $0 = true } }
        for i in items { continuation.yield(i) }
        if let end { continuation.finish(throwing: end) } else if terminated == nil { continuation.finish() }
        return stream
    }

    @Test("buffered elements come in order, at most `limit` per batch; the end after them")
    func order() async throws {
        var batches: [[Int]] = []
        try await DeliverBatcher.run(Self.stream(Array(0..<10)), limit: 4) { batches.append($0) }
        #expect(batches.flatMap { $0 } == Array(0..<10))
        #expect(batches.allSatisfy { !$0.isEmpty && $0.count <= 4 } && batches.count >= 3)
    }

    @Test("a stream error is thrown after every element before it was consumed")
    func streamError() async throws {
        var seen: [Int] = []
        await #expect(throws: Boom.self) {
            try await DeliverBatcher.run(Self.stream([1, 2, 3], end: Boom()), limit: 2) { seen += $0 }
        }
        #expect(seen == [1, 2, 3])
    }

    @Test("a consumer error ends the run and cancels the stream")
    func consumerError() async throws {
        let terminated = Locked(false)
        var calls = 0
        await #expect(throws: Boom.self) {
            try await DeliverBatcher.run(Self.stream([1, 2, 3], terminated: terminated), limit: 1) { _ in
                calls += 1
                throw Boom()
            }
        }
        #expect(calls == 1 && terminated.withLock { $0 })
    }

    @Test("cancelling the consuming task ends a run waiting on a silent stream")
    func cancellation() async throws {
        let terminated = Locked(false)
        let consumed = Locked<[Int]>([])
        let (started, signal) = AsyncStream.makeStream(of: Void.self)
        let task = Task {
            try await DeliverBatcher.run(Self.stream([7], terminated: terminated), limit: 8) { batch in
                consumed.withLock { $0 += batch }
                signal.yield()
            }
        }
        var iterator = started.makeAsyncIterator()
        await iterator.next()
        task.cancel()
        let result = await task.result
        #expect(throws: CancellationError.self) { try result.get() }
        #expect(consumed.withLock { $0 } == [7] && terminated.withLock { $0 })
    }
}
