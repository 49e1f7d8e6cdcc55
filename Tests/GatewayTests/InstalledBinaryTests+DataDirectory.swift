import Foundation
import Testing
import TestSupport

extension InstalledBinaryTests {
    @Test("a second serve on the same data directory exits 1 naming it; the token command still works beside the first")
    func secondServeIsRefused() async throws {
        let install = try Installation()
        let first = try await ChildProcess.start(
            [install.binary, "serve", "--listen", "127.0.0.1:0", "--data-dir", "data", "--threads", "1", "--no-access-log"],
            in: install.work, readyMarker: "listening on http://", mergeStandardError: true)
        do {
            // Bounded by timeout(1) (status 124): a second gateway that starts would never exit.
            let command = ["/usr/bin/timeout", "30", install.binary, "serve", "--listen", "127.0.0.1:0", "--data-dir", "data", "--threads", "1"]
            let work = install.work
            let second = try await onThread { try runCommand(command, in: work, standardError: .capture) }
            #expect(second.status == 1, "\(second.errorText)")
            #expect(second.errorText.contains("refusing to start: data directory 'data' is in use by another chaincode-gateway process"),
                    "\(second.errorText)")
            let created = try await install.run(["token", "create", "--role", "viewer", "--name", "beside", "--data-dir", "data"])
            #expect(created.status == 0, "\(created.errorText)")
            let health = try await onThread { try TestClient.get("/healthz", port: Self.port(first.output)) }
            #expect(health.status == 200, "the first gateway keeps running")
        } catch {
            await first.stop()
            throw error
        }
        await first.stop()
        #expect(first.terminationStatus == 0, "\(first.output)")
    }

    static func port(_ output: String) -> Int {
        let line = output.split(separator: "\n").first { $0.contains("listening on http://") } ?? ""
        return Int(line.split(separator: "http://").last?.split(separator: " ").first?.split(separator: ":").last ?? "") ?? 0
    }
}
