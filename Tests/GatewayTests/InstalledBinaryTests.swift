import Foundation
import Store
import Testing
import TestSupport

/// Runs the built `chaincode-gateway` the way an operator does: copied to a directory of its
/// own (as to /usr/local/bin) and started from an unrelated working directory with no
/// `migrations/` or `Public/` around, so everything it serves must come from the binary.
@Suite("the installed binary runs from any directory", .serialized, .timeLimit(.minutes(2)))
struct InstalledBinaryTests {
    /// The executable SwiftPM built beside this test bundle (override with `GATEWAY_BINARY`).
    static func builtBinary() throws -> URL {
        if let path = ProcessInfo.processInfo.environment["GATEWAY_BINARY"], !path.isEmpty { return URL(fileURLWithPath: path) }
        var directory = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent("chaincode-gateway")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            directory.deleteLastPathComponent()
        }
        throw BinaryNotBuilt()
    }

    struct BinaryNotBuilt: Error, CustomStringConvertible {
        var description: String { "no built chaincode-gateway beside the tests: run `swift build --build-tests` first" }
    }

    /// A temporary `bin/chaincode-gateway` copy and an empty working directory `work/`.
    struct Installation {
        let root: TemporaryDirectory
        let binary: String
        let work: URL

        init() throws {
            root = try TemporaryDirectory(prefix: "gateway-installed")
            let bin = root.url.appendingPathComponent("bin")
            work = root.url.appendingPathComponent("work")
            try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
            try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
            binary = bin.appendingPathComponent("chaincode-gateway").path
            try FileManager.default.copyItem(atPath: try builtBinary().path, toPath: binary)
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: binary)
        }

        func run(_ arguments: [String]) async throws -> CommandResult {
            let command = [binary] + arguments
            let work = self.work
            return try await onThread { try runCommand(command, in: work, standardError: .capture) }
        }
    }

    static func publicFile(_ path: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: repositoryRoot.appendingPathComponent("Public/\(path)")))
    }

    @Test("serve: /healthz, the embedded dashboard and download scripts, and the embedded migrations applied")
    func serveFromElsewhere() async throws {
        let install = try Installation()
        let gateway = try await ChildProcess.start(
            [install.binary, "serve", "--listen", "127.0.0.1:0", "--data-dir", "data", "--threads", "1", "--no-access-log"],
            in: install.work, readyMarker: "listening on http://", mergeStandardError: true)
        let port: Int
        do {
            let line = try #require(gateway.output.split(separator: "\n").first { $0.contains("listening on http://") })
            let address = try #require(line.split(separator: "http://").last?.split(separator: " ").first)
            port = try #require(Int(address.split(separator: ":").last ?? ""))
            #expect(line.contains("dashboard embedded") && line.contains("migrations embedded"), "\(line)")

            let health = try await onThread { try TestClient.get("/healthz", port: port) }
            #expect(health.status == 200)
            for (path, file) in [("/", "index.html"), ("/js/app.js", "js/app.js"), ("/app.css", "app.css"),
                                 ("/builders/ccaas/bin/build", "builders/ccaas/bin/build")] {
                let response = try await onThread { try TestClient.get(path, port: port) }
                #expect(response.status == 200, "GET \(path)")
                #expect(response.body == (try Self.publicFile(file)), "GET \(path) serves Public/\(file)")
            }
            let index = try await onThread { try TestClient.get("/", port: port) }
            #expect(index.headers["content-type"] == "text/html; charset=utf-8")
            let etag = try #require(index.headers["etag"])
            let revalidated = try await onThread {
                try TestClient.request(port: port, method: "GET", path: "/", headers: [("If-None-Match", etag)])
            }
            #expect(revalidated.status == 304)
            #expect(try await onThread { try TestClient.get("/no-such-file.js", port: port) }.status == 404)
        } catch {
            await gateway.stop()
            throw error
        }
        await gateway.stop()
        #expect(gateway.terminationStatus == 0, "\(gateway.output)")

        let connection = try Connection(path: install.work.appendingPathComponent("data/gateway.sqlite").path)
        let applied = try Migrator.appliedMigrations(in: connection).map(\.version)
        let shipped = try Migration.load(from: repositoryRoot.appendingPathComponent("migrations")).map(\.version)
        #expect(applied == shipped && !applied.isEmpty)
    }

    @Test("token and check-config work without migrations/ in the working directory")
    func otherCommands() async throws {
        let install = try Installation()
        let created = try await install.run(["token", "create", "--role", "viewer", "--name", "ci-viewer", "--data-dir", "data"])
        #expect(created.status == 0, "\(created.errorText)")
        let listed = try await install.run(["token", "list", "--data-dir", "data"])
        #expect(listed.status == 0 && listed.text.contains("ci-viewer"), "\(listed.text) \(listed.errorText)")
        try Data("server:\n  listen: 127.0.0.1:0\n".utf8).write(to: install.work.appendingPathComponent("gateway.yaml"))
        let checked = try await install.run(["check-config", "--config", "gateway.yaml"])
        #expect(checked.status == 0 && checked.text.hasPrefix("ok: gateway.yaml"), "\(checked.text) \(checked.errorText)")
    }

    @Test("serve refuses to start when a migration does not match manifest.sha256")
    func refusesEditedMigration() async throws {
        let install = try Installation()
        let migrations = install.root.url.appendingPathComponent("migrations")
        try FileManager.default.copyItem(at: repositoryRoot.appendingPathComponent("migrations"), to: migrations)
        let edited = migrations.appendingPathComponent("0001_packages.sql")
        try (try Data(contentsOf: edited) + Data("\n-- edited after landing\n".utf8)).write(to: edited)
        let result = try await install.run(["serve", "--listen", "127.0.0.1:0", "--data-dir", "data",
                                            "--migrations-dir", migrations.path])
        #expect(result.status == 2)
        #expect(result.errorText.contains("refusing to start: migration '0001_packages.sql'"), "\(result.errorText)")
        #expect(result.errorText.contains("does not match manifest.sha256"), "\(result.errorText)")
        #expect(!FileManager.default.fileExists(atPath: install.work.appendingPathComponent("data/gateway.sqlite").path))
    }
}
