import EventLoop
import Foundation
import Store
import TLSCrypto
import WebServer

/// Creates, authenticates, lists and revokes API tokens.
///
/// Token format: `cgw_<id>_<secret>`; the id (16 hex digits) locates the row, the secret
/// (256 bits, base64url) is checked by comparing SHA-256 digests in constant time. Only the
/// digest is stored; the token is shown once. A token supplied by the operator in another form
/// (`GATEWAY_ADMIN_TOKEN`) gets a random `ext-` id (never derived from the token: the id is
/// public) and is found by comparing it against every `ext-` row in constant time.
public final class TokenService: Sendable {
    let queue: DatabaseQueue
    /// last_used_at is written at most this often per token: a write per request would be waste.
    static let touchIntervalSeconds: TimeInterval = 60
    private let lastTouch = Locked<[String: Date]>([:])
    let cache: TokenCache

    public init(queue: DatabaseQueue) {
        self.queue = queue
        cache = TokenCache(databasePath: queue.path)
    }

    public struct Created: Sendable {
        public let token: String
        public let record: TokenRecord
    }

    /// Creates a token. `token` lets automation supply its own (at least 32 characters).
    public func create(name: String, role: Role, orgs: [String], expiresAt: Date? = nil, token supplied: String? = nil) async throws -> Created {
        guard !name.isEmpty, name.count <= 100, name.allSatisfy({ $0.isLetter || $0.isNumber || "-_.@ ".contains($0) }) else {
            throw HTTPError(status: 422, code: "invalid_token_request", message: "token name must be 1-100 letters, digits or '-_.@ '")
        }
        // The audit log names unauthenticated callers 'anonymous'; no token may look like them.
        guard name.lowercased() != Principal.anonymous.name else {
            throw HTTPError(status: 422, code: "invalid_token_request", message: "token name 'anonymous' is reserved")
        }
        try Self.checkRole(role, orgs: orgs)
        let token = supplied ?? Self.generate()
        if let s = supplied, s.count < 32 {
            throw HTTPError(status: 422, code: "invalid_token_request", message: "a supplied token must have at least 32 characters")
        }
        let (parsedID, secret) = Self.split(token)
        let id = parsedID ?? "ext-" + Self.randomBytes(8).hexString
        let record = TokenRecord(tokenID: id, secretSHA256: SHA256.hash(Array(secret.utf8)), name: name, role: role.rawValue,
                                 orgs: orgs, createdAt: Timestamp.now(), expiresAt: expiresAt.map(Timestamp.format))
        try await queue.write { db in
            let repo = TokenRepository(db)
            if try repo.get(name: name) != nil {
                throw HTTPError(status: 409, code: "token_exists", message: "a token named '\(name)' already exists")
            }
            try repo.insert(record)
        }
        return Created(token: token, record: record)
    }

    /// The principal for a presented token, or nil when it is unknown, revoked or expired.
    public func authenticate(_ token: String) async throws -> Principal? {
        guard token.utf8.count <= 512 else { return nil }
        let (parsedID, secret) = Self.split(token)
        let digest = SHA256.hash(Array(secret.utf8))
        let key = TokenCache.Key(tokenID: parsedID, digest: digest)
        let (cached, generation) = cache.lookup(key)
        let found: TokenRecord?
        if let cached {
            found = cached
        } else {
            found = try await lookup(parsedID, digest: digest)
            if let found { cache.insert(found, for: key, readAt: generation) }
        }
        guard let record = found, record.revokedAt == nil else { return nil }
        let id = record.tokenID
        if let exp = record.expiresAt.flatMap(Timestamp.parse), exp <= Date() { return nil }
        guard let role = Role(rawValue: record.role) else { return nil }
        let now = Date()
        if touchDue(id, now: now) { try await queue.write { try TokenRepository($0).touch(tokenID: id, at: Timestamp.format(now)) } }
        return Principal(tokenID: id, name: record.name, role: role, orgs: record.orgs)
    }

    /// Whether last_used_at of token or binding `id` is due for a write (and records that it is done).
    func touchDue(_ id: String, now: Date) -> Bool {
        lastTouch.withLock { map -> Bool in
            if let last = map[id], now.timeIntervalSince(last) < Self.touchIntervalSeconds { return false }
            map[id] = now
            return true
        }
    }

    /// Operators act for at least one organization; other roles for none (they act for all or none).
    static func checkRole(_ role: Role, orgs: [String]) throws {
        if role == .operator && orgs.isEmpty {
            throw HTTPError(status: 422, code: "invalid_token_request", message: "an operator token must be bound to at least one organization (MSP ID)")
        }
        if role != .operator && !orgs.isEmpty {
            throw HTTPError(status: 422, code: "invalid_token_request", message: "only operator tokens are bound to organizations")
        }
    }

    /// The row whose digest matches, read from SQLite.
    private func lookup(_ parsedID: String?, digest: [UInt8]) async throws -> TokenRecord? {
        if let id = parsedID {
            guard let r = try await queue.read({ try TokenRepository($0).get(tokenID: id) }),
                  Self.constantTimeEqual(r.secretSHA256, digest) else { return nil }
            return r
        }
        // Supplied tokens: compare against every ext- row, without stopping at a match.
        let candidates = try await queue.read { try TokenRepository($0).list(idPrefix: "ext-") }
        var match: TokenRecord?
        for r in candidates where Self.constantTimeEqual(r.secretSHA256, digest) { match = r }
        return match
    }

    public func list() async throws -> [TokenRecord] {
        try await queue.read { try TokenRepository($0).list() }
    }

    /// Revokes by id; effective on the next request (the cache forgets on any database change).
    ///
    /// With `keepingLastAdmin` (the API), refuses with 409 `last_admin_token` to revoke the last
    /// active admin token: no API caller could then create another, and only the CLI on the
    /// gateway's host could recover. The CLI itself may revoke it (a leaked token must be
    /// revocable at once; that operator can create a new one). The check and the revocation
    /// share one write transaction, so two concurrent revocations of the last two admin tokens
    /// cannot both succeed.
    public func revoke(tokenID: String, keepingLastAdmin: Bool = false) async throws -> Bool {
        defer { cache.invalidate() }
        return try await queue.write { db in
            let repo = TokenRepository(db)
            let now = Date()
            if keepingLastAdmin, let target = try repo.get(tokenID: tokenID), Self.isActiveAdmin(target, at: now),
               !(try repo.list().contains { $0.tokenID != tokenID && Self.isActiveAdmin($0, at: now) }) {
                throw Self.lastAdminToken(target)
            }
            return try repo.revoke(tokenID: tokenID, at: Timestamp.format(now))
        }
    }

    /// An admin token that still authenticates: not revoked, not expired.
    static func isActiveAdmin(_ t: TokenRecord, at now: Date) -> Bool {
        guard t.revokedAt == nil, Role(rawValue: t.role) == .admin else { return false }
        if let exp = t.expiresAt.flatMap(Timestamp.parse), exp <= now { return false }
        return true
    }

    static func lastAdminToken(_ t: TokenRecord) -> HTTPError {
        HTTPError(status: 409, code: "last_admin_token",
                  message: "'\(t.name)' is the last active admin token: revoking it would leave no token able to administer "
                      + "the gateway. Create another admin token first; without any, recover on the gateway's host with "
                      + "'chaincode-gateway token create --role admin --name NAME --data-dir DIR'",
                  details: [("tokenId", .string(t.tokenID))])
    }

    public func count() async throws -> Int {
        try await queue.read { try TokenRepository($0).count() }
    }

    /// getrandom(2) through the system generator: cryptographically secure.
    static func randomBytes(_ n: Int) -> [UInt8] {
        var rng = SystemRandomNumberGenerator()
        return (0..<n).map { _ in UInt8.random(in: 0...255, using: &rng) }
    }

    static func generate() -> String {
        "cgw_\(randomBytes(8).hexString)_\(Base64URL.encode(randomBytes(32)))"
    }

    /// The lookup id and secret of a `cgw_` token; a token in any other form has no id.
    static func split(_ token: String) -> (id: String?, secret: String) {
        let parts = token.split(separator: "_", maxSplits: 2, omittingEmptySubsequences: false)
        if parts.count == 3, parts[0] == "cgw", parts[1].count == 16, parts[1].allSatisfy(\.isHexDigit) {
            return (String(parts[1]), String(parts[2]))
        }
        return (nil, token)
    }

    static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var diff: UInt8 = 0
        for i in 0..<a.count { diff |= a[i] ^ b[i] }
        return diff == 0
    }
}

enum Base64URL {
    static func encode(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }
}
