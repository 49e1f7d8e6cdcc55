import Foundation

/// One schema migration: `NNNN_name.sql`, SQL only, never edited once landed.
public struct Migration: Sendable, Equatable {
    public let version: Int
    public let name: String
    public let sql: String

    public init(version: Int, name: String, sql: String) {
        self.version = version
        self.name = name
        self.sql = sql
    }

    /// File name this migration ships as.
    public var fileName: String { String(format: "%04d_%@.sql", version, name) }

    /// Loads every `NNNN_name.sql` in `directory`, sorted by version. Other files
    /// (e.g. `manifest.sha256`) are ignored; a malformed `.sql` name or duplicate version throws.
    public static func load(from directory: URL) throws -> [Migration] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        } catch {
            throw MigrationError.unreadableDirectory(directory.path)
        }
        var files: [(name: String, bytes: [UInt8])] = []
        for file in names where file.hasSuffix(".sql") {
            guard let data = FileManager.default.contents(atPath: directory.appendingPathComponent(file).path) else {
                throw MigrationError.unreadableFile(directory.appendingPathComponent(file).path)
            }
            files.append((file, [UInt8](data)))
        }
        return try load(files: files)
    }

    /// The migrations among `files` (name and bytes, e.g. compiled into the binary), sorted by
    /// version, with the same rules as `load(from:)`. The SQL must be UTF-8.
    public static func load(files: [(name: String, bytes: [UInt8])]) throws -> [Migration] {
        var migrations: [Migration] = []
        for file in files where file.name.hasSuffix(".sql") {
            guard let (version, name) = parse(fileName: file.name) else { throw MigrationError.badMigrationFile(file.name) }
            guard let sql = String(validating: file.bytes, as: UTF8.self) else { throw MigrationError.unreadableFile(file.name) }
            migrations.append(Migration(version: version, name: name, sql: sql))
        }
        migrations.sort { $0.version < $1.version }
        for (a, b) in zip(migrations, migrations.dropFirst()) where a.version == b.version {
            throw MigrationError.badMigrationFile(b.fileName)
        }
        return migrations
    }

    static func parse(fileName: String) -> (Int, String)? {
        let base = fileName.dropLast(4)  // ".sql"
        let parts = base.split(separator: "_", maxSplits: 1)
        guard parts.count == 2, parts[0].count == 4, let version = Int(parts[0]), version > 0,
              !parts[1].isEmpty,
              parts[1].allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "_") })
        else { return nil }
        return (version, String(parts[1]))
    }
}
