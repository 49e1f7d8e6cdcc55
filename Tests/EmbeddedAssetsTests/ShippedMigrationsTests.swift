import EmbeddedAssets
import Foundation
import Store
import Testing
import TestSupport

@Suite("shipped migrations are checked against manifest.sha256")
struct ShippedMigrationsTests {
    static var embeddedFiles: [(name: String, bytes: [UInt8])] { EmbeddedMigrations.files.map { ($0.path, $0.bytes) } }

    @Test("the embedded migrations pass the check and equal those in migrations/")
    func embeddedMatch() throws {
        let embedded = try ShippedMigrations.embedded()
        #expect(!embedded.isEmpty)
        #expect(embedded == (try Migration.load(from: repositoryRoot.appendingPathComponent("migrations"))))
        #expect(try ShippedMigrations.migrator(directory: nil).migrations == embedded)
        let fromDirectory = try ShippedMigrations.load(directory: repositoryRoot.appendingPathComponent("migrations").path)
        #expect(fromDirectory == embedded)
    }

    @Test("an edited migration is refused with its name, both digests and where it came from")
    func editedMigration() throws {
        var files = Self.embeddedFiles
        let index = try #require(files.firstIndex { $0.name.hasSuffix(".sql") })
        files[index].bytes += Array("\n-- edited\n".utf8)
        let error = #expect(throws: MigrationManifestError.self) {
            _ = try ShippedMigrations.verified(files, source: ShippedMigrations.embeddedSource)
        }
        guard case .mismatch(let name, _, _, let source) = error else {
            Issue.record("expected a mismatch, got \(String(describing: error))")
            return
        }
        #expect(name == files[index].name && source == "embedded in the binary")
        #expect(error?.description.contains("does not match manifest.sha256") == true)
    }

    @Test("an unlisted, a missing or an unmanifested migration set is refused")
    func incompleteSets() throws {
        let files = Self.embeddedFiles
        let extra = files + [("0999_extra.sql", Array("SELECT 1;".utf8))]
        #expect(throws: MigrationManifestError.unlisted("0999_extra.sql", source: "test")) {
            _ = try ShippedMigrations.verified(extra, source: "test")
        }
        let lastSQL = try #require(files.last { $0.name.hasSuffix(".sql") })
        #expect(throws: MigrationManifestError.missing(lastSQL.name, source: "test")) {
            _ = try ShippedMigrations.verified(files.filter { $0.name != lastSQL.name }, source: "test")
        }
        #expect(throws: MigrationManifestError.noManifest(source: "test")) {
            _ = try ShippedMigrations.verified(files.filter { $0.name != MigrationManifest.fileName }, source: "test")
        }
        #expect(throws: MigrationManifestError.malformedLine(1, source: "test")) {
            _ = try MigrationManifest(text: "not-a-digest  0001_x.sql\n", source: "test")
        }
    }

    @Test("a --migrations-dir copy with an edited file is refused")
    func editedDirectory() throws {
        let dir = try TemporaryDirectory()
        for file in EmbeddedMigrations.files { _ = try dir.write(file.bytes, to: file.path) }
        let sql = try #require(EmbeddedMigrations.files.first { $0.path.hasSuffix(".sql") })
        _ = try dir.write(sql.bytes + Array(" ".utf8), to: sql.path)
        #expect(throws: MigrationManifestError.self) { _ = try ShippedMigrations.load(directory: dir.url.path) }
    }
}
