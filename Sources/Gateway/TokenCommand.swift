import AdminAPI
import ArgumentParser
import EmbeddedAssets
import Foundation
import Store
import SystemIO

/// Recovery: manage API tokens directly in the database (the gateway may be running).
struct TokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token", abstract: "Create, list and revoke API tokens in the gateway's database.",
        subcommands: [Create.self, List.self, Revoke.self])

    struct Location: ParsableArguments {
        @Option(help: "Directory holding gateway.sqlite.") var dataDir: String = "./data"
        @Option(help: "Directory of the SQL migrations and their manifest.sha256 (default: the migrations embedded in the binary).")
        var migrationsDir: String?

        /// The token service on the gateway's database. The CLI may run while the gateway does
        /// (SQLite WAL with a busy timeout; the gateway's token cache sees the change through
        /// inotify), but it migrates only a database no gateway has open: with the data
        /// directory's lock held by a running gateway, a schema that needs migrating is refused.
        func open() async throws -> TokenService {
            let migrator = try ShippedMigrations.migrator(directory: migrationsDir)
            try FileManager.default.createDirectory(atPath: dataDir, withIntermediateDirectories: true)
            let path = dataDir + "/gateway.sqlite"
            if let lock = try ExclusiveFileLock(path: dataDir + "/" + DataDirectoryInUseError.lockFileName) {
                defer { lock.release() }
                return TokenService(queue: try DatabaseQueue(path: path, migrator: migrator))
            }
            let applied = Set(try Migrator.appliedMigrations(in: try Connection(path: path)).map(\.version))
            let pending = migrator.migrations.map(\.version).filter { !applied.contains($0) }
            guard pending.isEmpty else {
                throw ValidationError("the gateway running on '\(dataDir)' has not applied migrations \(pending) of this binary; "
                                          + "stop it before using this version of the token command")
            }
            return TokenService(queue: try DatabaseQueue(path: path))
        }
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a token and print it once.")
        @OptionGroup var location: Location
        @Option(help: "admin, operator or viewer.") var role: String
        @Option(help: "MSP ID an operator may act for (repeatable).") var org: [String] = []
        @Option(help: "Unique name (shown in the audit log).") var name: String
        @Option(help: "Expiry, RFC 3339 (e.g. 2027-01-01T00:00:00Z).") var expires: String?

        func run() async throws {
            guard let r = Role(rawValue: role) else { throw ValidationError("--role must be admin, operator or viewer") }
            var expiry: Date?
            if let e = expires {
                guard let d = Timestamp.parse(e) else { throw ValidationError("--expires must be an RFC 3339 time") }
                expiry = d
            }
            let tokens = try await location.open()
            do {
                let created = try await tokens.create(name: name, role: r, orgs: org, expiresAt: expiry)
                print(created.token)
            } catch {
                throw ValidationError("\(error)")
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List tokens (never their secrets).")
        @OptionGroup var location: Location

        func run() async throws {
            for t in try await location.open().list() {
                let state = t.revokedAt.map { "revoked \($0)" } ?? (t.expiresAt.map { "expires \($0)" } ?? "active")
                print("\(t.tokenID)  \(t.name)  \(t.role)  [\(t.orgs.joined(separator: ","))]  created \(t.createdAt)  \(state)")
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a token by id or name.")
        @OptionGroup var location: Location
        @Argument(help: "Token id or name.") var token: String

        func run() async throws {
            let tokens = try await location.open()
            let all = try await tokens.list()
            guard let t = all.first(where: { $0.tokenID == token || $0.name == token }) else {
                throw ValidationError("no token with id or name '\(token)'")
            }
            guard try await tokens.revoke(tokenID: t.tokenID) else { throw ValidationError("token '\(t.name)' is already revoked") }
            print("revoked \(t.tokenID) (\(t.name))")
        }
    }
}
