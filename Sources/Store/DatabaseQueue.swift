import Foundation

/// Owns one `Connection` and runs all SQLite work on its own serial thread, so the event loop
/// never blocks on disk. Callers `await` `read`/`write`; closures run one at a time in order.
public final class DatabaseQueue: Sendable {
    private let worker: Worker
    /// The database file's path, as given.
    public let path: String

    /// Opens the database at `path` and applies `migrator` (if any) before returning.
    /// Opening happens on the queue's thread; the caller blocks until it has finished, so call
    /// this at start-up, not from an event-loop callback.
    public init(path: String, migrator: Migrator? = nil) throws {
        let worker = Worker()
        let opened = OpenResult()
        worker.start()
        _ = worker.enqueue {
            do {
                let connection = try Connection(path: path)
                if let migrator { try migrator.migrate(connection) }
                worker.connection = connection
                opened.finish(nil)
            } catch {
                opened.finish(error)
            }
        }
        if let error = opened.wait() {
            worker.stop()
            throw error
        }
        self.worker = worker
        self.path = path
    }

    deinit { worker.stop() }

    /// Lets queued work finish, then closes the connection (checkpointing the WAL). Later
    /// `read`/`write` calls throw "database queue is closed". Idempotent.
    public func close() async {
        let worker = self.worker
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let queued = worker.enqueue {
                worker.connection = nil
                continuation.resume()
            }
            if !queued { continuation.resume() }
            worker.stop()
        }
    }

    /// True when called on this queue's database thread (for assertions and tests).
    public var isOnDatabaseThread: Bool {
        guard let thread = worker.threadID else { return false }
        return pthread_equal(thread, pthread_self()) != 0
    }

    /// Runs `body` on the database thread outside any explicit transaction, with the connection
    /// query-only (`PRAGMA query_only`): a statement that would change the database fails with
    /// `DatabaseError` code SQLITE_READONLY and a message saying to use `write`.
    public func read<T: Sendable>(_ body: @Sendable (Connection) throws -> T) async throws -> T {
        try await withoutActuallyEscaping(body) { body in
            try await run { connection in try Self.queryOnly(connection, body) }
        }
    }

    /// Runs `body` on the database thread inside `BEGIN IMMEDIATE` … `COMMIT` (rolled back if it throws).
    public func write<T: Sendable>(_ body: @Sendable (Connection) throws -> T) async throws -> T {
        try await withoutActuallyEscaping(body) { body in
            try await run { connection in try connection.transaction { try body(connection) } }
        }
    }

    /// Runs `body` on the database thread with no implicit transaction, serialized with all other
    /// work of this queue: for work that pairs file-system changes with its own transactions.
    public func perform<T: Sendable>(_ body: @Sendable (Connection) throws -> T) async throws -> T {
        try await withoutActuallyEscaping(body) { body in try await run(body) }
    }

    /// SQLITE_READONLY: what SQLite reports for a change attempted while `query_only` is on.
    static let readOnlyCode: Int32 = 8

    /// Runs `body` with `PRAGMA query_only = ON`, switched back OFF afterwards whatever happens,
    /// so the connection is writable again for the next job.
    private static func queryOnly<T>(_ connection: Connection, _ body: (Connection) throws -> T) throws -> T {
        try connection.execute("PRAGMA query_only = ON")
        let result = Result { try body(connection) }
        try connection.execute("PRAGMA query_only = OFF")
        switch result {
        case .success(let value):
            return value
        case .failure(let error as DatabaseError) where error.primaryCode == readOnlyCode:
            throw DatabaseError(code: error.code, message: "attempt to change the database inside DatabaseQueue.read, "
                                + "which is read-only (PRAGMA query_only); use write or perform (SQLite: \(error.message))",
                                sql: error.sql)
        case .failure(let error):
            throw error
        }
    }

    /// Queues `body` and waits for it. The job drops its reference to `body` before resuming the
    /// caller, which is what lets `read`/`write` take non-escaping closures.
    private func run<T: Sendable>(_ body: @escaping @Sendable (Connection) throws -> T) async throws -> T {
        let worker = self.worker
        let pending = PendingBody(body)
        return try await withCheckedThrowingContinuation { continuation in
            let queued = worker.enqueue {
                let result: Result<T, any Error>
                if let connection = worker.connection {
                    result = Result { try pending.body!(connection) }
                } else {
                    result = .failure(DatabaseError.closed)
                }
                pending.body = nil
                continuation.resume(with: result)
            }
            if !queued { continuation.resume(throwing: DatabaseError.closed) }
        }
    }
}

/// Holds a job's closure so the job can release it before resuming its caller.
private final class PendingBody<T>: @unchecked Sendable {
    var body: (@Sendable (Connection) throws -> T)?

    init(_ body: @escaping @Sendable (Connection) throws -> T) { self.body = body }
}

/// The serial thread and its job list. `connection` is only touched on the thread.
private final class Worker: @unchecked Sendable {
    private let condition = NSCondition()
    private var jobs: [@Sendable () -> Void] = []
    private var stopping = false
    var connection: Connection?
    /// The worker's pthread; written once on the worker before any job runs.
    private(set) var threadID: pthread_t?

    func start() {
        let thread = Thread { [self] in
            self.threadID = pthread_self()
            // Best effort (shows in debuggers); on Linux a name set before start() is not applied.
            Thread.current.name = "DatabaseQueue"
            self.loop()
        }
        thread.start()
    }

    /// Queues a job; false (job dropped) once the worker is stopping.
    func enqueue(_ job: @escaping @Sendable () -> Void) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        guard !stopping else { return false }
        jobs.append(job)
        condition.signal()
        return true
    }

    /// Lets queued jobs finish, then closes the connection and ends the thread.
    func stop() {
        condition.lock()
        stopping = true
        condition.signal()
        condition.unlock()
    }

    private func loop() {
        while true {
            condition.lock()
            while jobs.isEmpty && !stopping { condition.wait() }
            if jobs.isEmpty {
                condition.unlock()
                connection = nil
                return
            }
            let batch = jobs
            jobs.removeAll()
            condition.unlock()
            for job in batch { job() }
        }
    }
}

/// One-shot rendezvous for the synchronous open.
private final class OpenResult: @unchecked Sendable {
    private let condition = NSCondition()
    private var done = false
    private var error: (any Error)?

    func finish(_ error: (any Error)?) {
        condition.lock()
        self.error = error
        done = true
        condition.signal()
        condition.unlock()
    }

    func wait() -> (any Error)? {
        condition.lock()
        defer { condition.unlock() }
        while !done { condition.wait() }
        return error
    }
}
