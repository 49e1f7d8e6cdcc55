import EventLoop
import Foundation
import Store
import SystemIO

/// Remembers token rows that authenticated, so a request need not read SQLite each time, and
/// forgets them all as soon as anything in the database's directory changes: a revocation by
/// `chaincode-gateway token revoke` (another process) or through the API is seen by the very
/// next request, because the inotify event is queued inside the revoking write. Without inotify
/// (watch limit reached, unusual filesystem) nothing is cached.
///
/// Entries are keyed by token id plus the digest of the presented secret, so a hit proves the
/// same secret was verified against the row before. Expiry and revocation are still checked on
/// every use by the caller.
final class TokenCache: Sendable {
    struct Key: Hashable, Sendable {
        let tokenID: String?
        let digest: [UInt8]
    }

    private struct State {
        var entries: [Key: TokenRecord] = [:]
        /// Bumped on every observed change; a lookup that started before a bump must not insert.
        var generation: UInt64 = 0
    }

    static let capacity = 1024
    private let watch: DirectoryChangeWatch?
    private let state = Locked(State())

    init(databasePath: String) {
        let directory = (databasePath as NSString).deletingLastPathComponent
        // Without a watch (in-memory database, or inotify refused: instance limit reached) the
        // cache stays off and every lookup reads the database: slower, never stale.
        watch = databasePath.hasPrefix(":memory:") ? nil : try? DirectoryChangeWatch(directory: directory.isEmpty ? "." : directory)
    }

    /// The cached row and the generation to pass to `insert` after a miss.
    func lookup(_ key: Key) -> (record: TokenRecord?, generation: UInt64) {
        state.withLock { s in
            refresh(&s)
            return (s.entries[key], s.generation)
        }
    }

    /// Caches a row read at `generation`, unless the database changed since.
    func insert(_ record: TokenRecord, for key: Key, readAt generation: UInt64) {
        guard watch != nil else { return }
        state.withLock { s in
            refresh(&s)
            guard s.generation == generation else { return }
            if s.entries.count >= Self.capacity { s.entries.removeAll(keepingCapacity: true) }
            s.entries[key] = record
        }
    }

    /// Forgets everything (this process changed tokens).
    func invalidate() {
        state.withLock { s in
            s.entries.removeAll(keepingCapacity: true)
            s.generation &+= 1
        }
    }

    private func refresh(_ s: inout State) {
        guard let watch, watch.changedSinceLastCheck() else { return }
        s.entries.removeAll(keepingCapacity: true)
        s.generation &+= 1
    }
}
