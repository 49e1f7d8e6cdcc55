import AdminAPI
import ChaincodePackages
import Foundation
import Testing
import TestSupport
import WebServer

/// One gateway per data directory, and no file-system path in an error body.
@Suite(.timeLimit(.minutes(2))) struct DataDirectoryLockTests {
    @Test("a second GatewayServices.open on the same data directory fails naming it; after close it opens")
    func secondOpenIsRefused() async throws {
        let directory = try TemporaryDirectory(prefix: "data-lock")
        let first = try await GatewayServices.open(dataDirectory: directory.url.path, migrationsDirectory: migrationsDirectory)
        let error = await #expect(throws: DataDirectoryInUseError.self) {
            _ = try await GatewayServices.open(dataDirectory: directory.url.path, migrationsDirectory: migrationsDirectory)
        }
        #expect(error?.directory == directory.url.path)
        #expect("\(error.map { "\($0)" } ?? "")".contains("data directory '\(directory.url.path)' is in use"))
        await first.close()
        await first.queue.close()
        let again = try await GatewayServices.open(dataDirectory: directory.url.path, migrationsDirectory: migrationsDirectory)
        await again.close()
        await again.queue.close()
    }

    @Test("a storage error is a 500 whose body names the request ID, not the path; the log keeps the path")
    func storageErrorHidesPath() throws {
        let logs = LogRecorder()
        let error = PackageError(.storage, "rename '/var/lib/gateway/packages/.upload-1' failed: No such file or directory")
        let mapped = HTTPError.mapping(error, requestID: "req-42", logger: logs.logger("api"))
        let body = String(decoding: mapped.body(requestID: "req-42"), as: UTF8.self)
        #expect(mapped.status == 500 && mapped.code == "storage")
        #expect(!body.contains("/var/lib") && !body.contains("rename") && body.contains("req-42"), "\(body)")
        #expect(logs.all.contains { $0.contains("req-42") && $0.contains("/var/lib/gateway/packages/.upload-1") })
    }
}
