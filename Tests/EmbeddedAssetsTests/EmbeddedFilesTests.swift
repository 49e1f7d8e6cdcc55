import EmbeddedAssets
import Foundation
import Testing
import TestSupport

/// The generated `Embedded*.swift` files must hold exactly what `migrations/` and `Public/` hold:
/// these tests fail when someone changes either directory without running scripts/embed-files.py.
@Suite("embedded files match the repository", .timeLimit(.minutes(2)))
struct EmbeddedFilesTests {
    /// Regular, non-hidden files below `directory` with their bytes, by relative path.
    static func files(below directory: URL) throws -> [String: [UInt8]] {
        let base = directory.standardizedFileURL.path
        var result: [String: [UInt8]] = [:]
        let enumerator = FileManager.default.enumerator(at: directory, includingPropertiesForKeys: [.isRegularFileKey],
                                                        options: [.skipsHiddenFiles])
        while let url = enumerator?.nextObject() as? URL {
            guard try url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile == true else { continue }
            let path = url.standardizedFileURL.path
            let relative = String(path.dropFirst(base.count + 1))
            result[relative] = [UInt8](try Data(contentsOf: url))
        }
        return result
    }

    static func compare(_ embedded: [EmbeddedFile], with directory: String) throws {
        let onDisk = try files(below: repositoryRoot.appendingPathComponent(directory))
        let inBinary = Dictionary(uniqueKeysWithValues: embedded.map { ($0.path, $0.bytes) })
        let hint = "run scripts/embed-files.py and commit the result"
        #expect(Set(inBinary.keys) == Set(onDisk.keys), "files of \(directory)/ differ from the embedded ones; \(hint)")
        for (path, bytes) in onDisk.sorted(by: { $0.key < $1.key }) {
            #expect(inBinary[path] == bytes, "\(directory)/\(path) differs from its embedded copy; \(hint)")
        }
        #expect(embedded.map(\.path) == embedded.map(\.path).sorted(), "embedded files are in path order")
    }

    @Test("EmbeddedMigrations holds migrations/ byte for byte")
    func migrations() throws {
        try Self.compare(EmbeddedMigrations.files, with: "migrations")
        #expect(EmbeddedMigrations.files.contains { $0.path == "manifest.sha256" })
    }

    @Test("EmbeddedDashboard holds Public/ byte for byte, download scripts included")
    func dashboard() throws {
        try Self.compare(EmbeddedDashboard.files, with: "Public")
        #expect(EmbeddedDashboard.files.contains { $0.path == "index.html" })
        #expect(EmbeddedDashboard.files.contains { $0.path == "builders/ccaas/bin/build" })
    }

    @Test("the generated sources are what scripts/embed-files.py writes now")
    func generatorCheck() async throws {
        let script = repositoryRoot.appendingPathComponent("scripts/embed-files.py").path
        let result = try await onThread { try runCommand([pythonInterpreter(), script, "--check"], standardError: .merge) }
        #expect(result.status == 0, "\(result.text)")
    }
}
