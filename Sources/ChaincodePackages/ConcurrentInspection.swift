import Archive
import Foundation

/// Inspects a package while it is being uploaded: the inspector runs on its own thread and
/// reads the chunks the upload feeds it, so checking the package costs no time after the last
/// byte arrives (upload and inspection overlap instead of running one after the other).
/// Memory stays bounded: `feed` waits while `capacity` bytes are queued.
///
/// Use: `feed` every chunk (in order), then `finish()` for the result; on any failure of the
/// upload call `cancel()`. When the package is found invalid before its end, `feed` throws that
/// error at once, so a bad upload is refused without receiving the rest.
public final class ConcurrentInspection: Sendable {
    private let pipe: ChunkPipe
    private let outcome: Task<PackageInspection, any Error>

    public init(limits: PackageLimits, capacity: Int = 1 << 20) {
        let pipe = ChunkPipe(capacity: capacity)
        self.pipe = pipe
        let inspector = PackageInspector(limits: limits)
        outcome = Task {
            try await BlockingWork.run {
                do {
                    let inspection = try inspector.inspect(source: pipe)
                    pipe.consumerFinished(failed: false)
                    return inspection
                } catch {
                    pipe.consumerFinished(failed: true)
                    throw error
                }
            }
        }
    }

    /// An inspection neither finished nor cancelled must not leave its thread waiting.
    deinit { pipe.close(with: CancellationError()) }

    /// Queues a chunk for the inspector, waiting while the queue is full. Throws the
    /// inspector's error if it has already found the package invalid.
    public func feed(_ chunk: [UInt8]) async throws {
        guard !chunk.isEmpty else { return }
        if await pipe.push(chunk) { return }
        // The inspector stopped reading: either it failed (report that now) or it had seen
        // everything it checks (the rest of the bytes only go to the file).
        if pipe.consumerFailed { _ = try await outcome.value }
    }

    /// Marks the end of the upload and returns the inspection.
    public func finish() async throws -> PackageInspection {
        pipe.close(with: nil)
        return try await outcome.value
    }

    /// Stops the inspector (the upload failed); its thread ends at its next read.
    public func cancel() {
        pipe.close(with: CancellationError())
    }
}

/// A bounded queue of chunks between one async producer and one blocking reader thread.
final class ChunkPipe: ByteSource, @unchecked Sendable {
    private let condition = NSCondition()
    private let capacity: Int
    private var chunks: [[UInt8]] = []
    private var head = 0          // index of the chunk being read in `chunks`
    private var offset = 0        // bytes of chunks[head] already read
    private var queued = 0        // bytes not yet read
    private var closed = false
    private var closeError: (any Error)?
    private var readerDone = false
    private var readerThrew = false
    private var spaceWaiters: [CheckedContinuation<Void, Never>] = []

    init(capacity: Int) { self.capacity = capacity }

    /// Queues `chunk` once there is room; false when the reader no longer reads.
    func push(_ chunk: [UInt8]) async -> Bool {
        while true {
            let state = condition.withLock { () -> Bool? in
                if readerDone { return false }
                guard queued < capacity else { return nil }
                chunks.append(chunk)
                queued += chunk.count
                condition.signal()
                return true
            }
            if let state { return state }
            await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
                let resumeNow = condition.withLock { () -> Bool in
                    if readerDone || queued < capacity { return true }
                    spaceWaiters.append(c)
                    return false
                }
                if resumeNow { c.resume() }
            }
        }
    }

    var consumerFailed: Bool { condition.withLock { readerThrew } }

    /// No more chunks: the reader sees the end (nil) or `error`.
    func close(with error: (any Error)?) {
        condition.withLock {
            guard !closed else { return }
            closed = true
            closeError = error
            condition.broadcast()
        }
    }

    /// Called by the reader thread when it stops reading; wakes a waiting producer.
    func consumerFinished(failed: Bool) {
        let waiters = condition.withLock { () -> [CheckedContinuation<Void, Never>] in
            readerDone = true
            readerThrew = failed
            chunks = []
            queued = 0
            defer { spaceWaiters = [] }
            return spaceWaiters
        }
        for w in waiters { w.resume() }
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        condition.lock()
        while head == chunks.count && !closed { condition.wait() }
        if let closeError {
            condition.unlock()
            throw closeError
        }
        guard head < chunks.count else {
            condition.unlock()
            return 0
        }
        let chunk = chunks[head]
        let n = min(buffer.count, chunk.count - offset)
        chunk.withUnsafeBytes { src in
            buffer.baseAddress!.copyMemory(from: src.baseAddress! + offset, byteCount: n)
        }
        offset += n
        queued -= n
        if offset == chunk.count {
            head += 1
            offset = 0
            if head == chunks.count || head > 64 {
                chunks.removeFirst(head)
                head = 0
            }
        }
        var waiters: [CheckedContinuation<Void, Never>] = []
        if queued < capacity, !spaceWaiters.isEmpty { swap(&waiters, &spaceWaiters) }
        condition.unlock()
        for w in waiters { w.resume() }
        return n
    }
}
