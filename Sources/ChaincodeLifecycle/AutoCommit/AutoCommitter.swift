import EventLoop
import Fabric
import Foundation
import JSON
import Logging
import Store

/// Commits drafts saved with `autoCommit: true` once their approvals make them ready, whether
/// the approvals came through the gateway or only from blocks (another tool): it follows the
/// EventHub's `approval` events (both kinds carry `channel`, `name`, `sequence`) and checks
/// every auto-commit draft once at start-up (approvals made while the gateway was down).
///
/// Single-flight per (channel, name, sequence): an event arriving during an attempt makes
/// one more attempt afterwards. Never commits twice: each attempt first reads the committed
/// sequence from the chain. The commit itself is an ordinary `commit` operation created by
/// `auto-commit` (so a restart reconciles it like any other) and is audited as
/// `chaincode.commit`. When it cannot commit (no admin identity of an approving org, too few
/// approving orgs with a configured or discovered peer, a Fabric failure) it stores why in the draft's
/// `autoCommitNote`.
final class AutoCommitter: Sendable {
    struct Key: Hashable, Sendable {
        var channel: String
        var name: String
        var sequence: Int64
    }

    /// What one attempt did (for tests and the log).
    enum Outcome: Equatable, Sendable {
        case notAutoCommit, alreadyCommitted, notReady, committed(txID: String), couldNot(String)
    }

    /// The actor named on the operation and in the audit log.
    static let actor = "auto-commit"

    let definitions: DefinitionService
    let queue: DatabaseQueue
    let events: EventHub
    let runningOrgs: RunningOrgsCache
    let logger: Logger
    /// The status an API call failing with this error would answer (for the audit entry).
    let statusOf: @Sendable (any Error) -> Int
    /// In-flight keys -> whether another attempt was asked for meanwhile.
    private let inFlight = Locked<[Key: Bool]>([:])
    private let tasks = Locked<(listener: Task<Void, Never>?, attempts: [UUID: Task<Void, Never>], stopped: Bool)>((nil, [:], false))

    init(definitions: DefinitionService, queue: DatabaseQueue, events: EventHub, runningOrgs: RunningOrgsCache, logger: Logger,
         statusOf: @escaping @Sendable (any Error) -> Int) {
        self.statusOf = statusOf
        self.definitions = definitions
        self.queue = queue
        self.events = events
        self.runningOrgs = runningOrgs
        self.logger = logger
    }

    /// Subscribes to approval events, then checks every auto-commit draft once.
    func start() {
        let stream = events.subscribe(after: nil)
        let listener = Task { [weak self] in
            for await event in stream where event.name == "approval" {
                guard let self, let key = Self.key(event.data) else { continue }
                self.trigger(key)
            }
        }
        tasks.withLock { $0.listener = listener }
        spawn { [self] in
            do {
                let drafts = try await queue.read { try DraftRepository($0).autoCommitDrafts() }
                for d in drafts { trigger(Key(channel: d.channel, name: d.name, sequence: d.sequence)) }
            } catch {
                // Approvals made while the gateway was down wait for the next approval event.
                logger.error("could not read auto-commit drafts at start-up", metadata: ["error": "\(error)"])
            }
        }
    }

    /// Stops listening and waits for attempts under way (none starts afterwards).
    func stop() async {
        let (listener, attempts) = tasks.withLock { t in
            t.stopped = true
            defer { t.listener = nil; t.attempts = [:] }
            return (t.listener, Array(t.attempts.values))
        }
        listener?.cancel()
        await listener?.value
        for a in attempts { await a.value }
    }

    /// Asks for an attempt on `key`; joins the one under way if there is one.
    func trigger(_ key: Key) {
        let start = inFlight.withLock { m -> Bool in
            if m[key] != nil { m[key] = true; return false }
            m[key] = false
            return true
        }
        guard start else { return }
        spawn { [self] in
            repeat { _ = await attempt(key) } while inFlight.withLock { m -> Bool in
                if m[key] == true { m[key] = false; return true }
                m[key] = nil
                return false
            }
        }
    }

    private func spawn(_ work: @escaping @Sendable () async -> Void) {
        let id = UUID()
        tasks.withLock { t in
            guard !t.stopped else { return }
            t.attempts[id] = Task { [weak self] in
                await work()
                self?.tasks.withLock { _ = $0.attempts.removeValue(forKey: id) }
            }
        }
    }

    /// The chaincode an `approval` event is about (its `channel`, `name` and `sequence` members).
    static func key(_ data: [UInt8]) -> Key? {
        // The hub's own payload: one that does not parse is no approval event to act on.
        guard case .object(let members)? = try? JSONParser.parse(data) else { return nil }
        var channel: String?, name: String?, sequence: Int?
        for (k, v) in members {
            switch (k, v) {
            case ("channel", .string(let s)): channel = s
            case ("name", .string(let s)): name = s
            case ("sequence", .int(let i)): sequence = i
            default: continue
            }
        }
        guard let channel, let name, let sequence else { return nil }
        return Key(channel: channel, name: name, sequence: Int64(sequence))
    }
}
