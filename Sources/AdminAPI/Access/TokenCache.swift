import EventLoop
import Foundation
import Store
import SystemIO

/// Remembers token rows that authenticated, and the certificate bindings found for a client
/// certificate (none included), so a request need not read SQLite each time, and
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

    /// A verified client certificate: its SHA-256 (hex) and subject.
    struct CertificateKey: Hashable, Sendable {
        let fingerprint: String
        let subject: String
    }

    private struct State {
        var entries: [Key: TokenRecord] = [:]
        /// Active bindings matching a certificate, as read (expiry is checked on each use).
        var bindings: [CertificateKey: [CertificateBindingRecord]] = [:]
        /// Binding lookups answered from memory (tests read it).
        var bindingHits = 0
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

    /// The cached bindings for a certificate and the generation to pass to `insertBindings`.
    func lookupBindings(_ key: CertificateKey) -> (bindings: [CertificateBindingRecord]?, generation: UInt64) {
        state.withLock { s in
            refresh(&s)
            if s.bindings[key] != nil { s.bindingHits += 1 }
            return (s.bindings[key], s.generation)
        }
    }

    /// How many binding lookups were answered from memory.
    var bindingHits: Int { state.withLock { $0.bindingHits } }

    /// Caches the bindings read at `generation` for a certificate, unless the database changed since.
    func insertBindings(_ bindings: [CertificateBindingRecord], for key: CertificateKey, readAt generation: UInt64) {
        guard watch != nil else { return }
        state.withLock { s in
            refresh(&s)
            guard s.generation == generation else { return }
            if s.bindings.count >= Self.capacity { s.bindings.removeAll(keepingCapacity: true) }
            s.bindings[key] = bindings
        }
    }

    /// Forgets everything (this process changed tokens or bindings).
    func invalidate() {
        state.withLock { s in
            Self.forget(&s)
        }
    }

    private func refresh(_ s: inout State) {
        guard let watch, watch.changedSinceLastCheck() else { return }
        Self.forget(&s)
    }

    private static func forget(_ s: inout State) {
        s.entries.removeAll(keepingCapacity: true)
        s.bindings.removeAll(keepingCapacity: true)
        s.generation &+= 1
    }
}
