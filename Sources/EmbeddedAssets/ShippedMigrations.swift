import Foundation
import Store

/// Where the gateway's schema migrations come from: the copy compiled into the binary, or a
/// directory given with `--migrations-dir`. Either way every migration is checked against its
/// `manifest.sha256` before a `Migrator` is made, so a tampered or edited migration stops the
/// process at start-up instead of reaching a database.
public enum ShippedMigrations {
    /// Where the embedded copy is said to come from in error messages.
    public static let embeddedSource = "embedded in the binary"

    /// A migrator for `directory`'s migrations, or for the embedded ones when `directory` is nil.
    public static func migrator(directory: String?) throws -> Migrator {
        Migrator(migrations: try directory.map { try load(directory: $0) } ?? embedded())
    }

    /// The embedded migrations, verified against the embedded manifest.
    public static func embedded() throws -> [Migration] {
        try verified(EmbeddedMigrations.files.map { ($0.path, $0.bytes) }, source: embeddedSource)
    }

    /// The migrations in `directory`, verified against its `manifest.sha256`.
    public static func load(directory: String) throws -> [Migration] {
        let names: [String]
        do { names = try FileManager.default.contentsOfDirectory(atPath: directory) } catch {
            throw MigrationError.unreadableDirectory(directory)
        }
        var files: [(name: String, bytes: [UInt8])] = []
        for name in names where name.hasSuffix(".sql") || name == MigrationManifest.fileName {
            let path = (directory as NSString).appendingPathComponent(name)
            guard let data = FileManager.default.contents(atPath: path) else { throw MigrationError.unreadableFile(path) }
            files.append((name, [UInt8](data)))
        }
        return try verified(files, source: "in directory '\(directory)'")
    }

    /// Checks `files` (the `.sql` files and the manifest) against the manifest, then parses them.
    public static func verified(_ files: [(name: String, bytes: [UInt8])], source: String) throws -> [Migration] {
        guard let manifestFile = files.first(where: { $0.name == MigrationManifest.fileName }) else {
            throw MigrationManifestError.noManifest(source: source)
        }
        let manifest = try MigrationManifest(text: String(decoding: manifestFile.bytes, as: UTF8.self), source: source)
        try manifest.verify(files, source: source)
        return try Migration.load(files: files)
    }
}
