import Foundation
import Store
import Testing
import TestSupport

/// The `deploy` and `status` subcommands against the built binary serving a fabric-sim network,
/// and a gateway killed (SIGKILL) while its deployment waits between approve and commit: the
/// restarted gateway resumes it and commits without approving a second time.
@Suite("chaincode-gateway deploy and status", .serialized, .timeLimit(.minutes(4)))
struct DeployCommandTests {
    typealias Installation = InstalledBinaryTests.Installation

    /// `serve` on the simulator's configuration; returns the child and its port.
    static func serve(_ install: Installation, config: String) async throws -> (ChildProcess, Int) {
        let gateway = try await ChildProcess.start(
            [install.binary, "serve", "--listen", "127.0.0.1:0", "--data-dir", "data", "--config", config, "--threads", "1", "--no-access-log"],
            in: install.work, readyMarker: "listening on http://", mergeStandardError: true)
        let line = try #require(gateway.output.split(separator: "\n").first { $0.contains("listening on http://") })
        let address = try #require(line.split(separator: "http://").last?.split(separator: " ").first)
        return (gateway, try #require(Int(address.split(separator: ":").last ?? "")))
    }

    static let spec = """
        version: "1.0"
        package:
          ccaas: { label: basic_1.0, address: "basic-{org}:9999" }
        commit: whenReady
        """

    @Test("exit 2 waiting for Org2MSP; killed and restarted, the approval made elsewhere completes it: exit 0, one approval; exit 1 on failure")
    func exitCodesAndRestart() async throws {
        let install = try Installation()
        let simDir = install.root.url.appendingPathComponent("sim")
        let sim = try await FabricSimulator.start(directory: simDir, arguments: ["--orgs", "2", "--base-port", "0", "--tls"])
        do { try await Self.run(install, simDir: simDir) } catch {
            await sim.stop()
            throw error
        }
        await sim.stop()
    }

    static func run(_ install: Installation, simDir: URL) async throws {
        let config = simDir.appendingPathComponent("gateway.yaml").path
        let org1 = try await install.run(["token", "create", "--role", "operator", "--org", "Org1MSP", "--name", "ci-org1", "--data-dir", "data"])
        try Data(org1.output).write(to: install.work.appendingPathComponent("org1.token"))
        try spec.write(to: install.work.appendingPathComponent("spec.yaml"), atomically: true, encoding: .utf8)
        try "version: \"1.0\"\npackage: { packageId: \"nope:00\" }\nendorsementPolicy: \"NOT A POLICY(\"\n"
            .write(to: install.work.appendingPathComponent("bad.yaml"), atomically: true, encoding: .utf8)

        var (gateway, port) = try await serve(install, config: config)
        func deploy(_ file: String, wait: String) async throws -> CommandResult {
            try await install.run(["deploy", "-f", file, "--server", "http://127.0.0.1:\(port)", "--token-file", "org1.token",
                                   "--channel", "mychannel", "--name", "basic", "--wait", wait])
        }
        // Acting for Org1 only: approved by Org1, then waiting for Org2MSP past the wait.
        let waiting = try await deploy("spec.yaml", wait: "8s")
        #expect(waiting.status == 2, "\(waiting.text)")
        #expect(waiting.text.contains("waiting-for-approvals: Org2MSP"), "\(waiting.text)")
        #expect(waiting.text.contains("approve: succeeded"), "\(waiting.text)")
        let pending = try await install.run(["status", "--server", "http://127.0.0.1:\(port)", "--token-file", "org1.token",
                                             "--channel", "mychannel", "--name", "basic"])
        #expect(pending.status == 2, "\(pending.text)")
        #expect(pending.text.contains("differs: definition sequence: spec 1, committed none") && pending.text.contains("differs: 1 item(s)"),
                "\(pending.text)")

        // Killed between approve and commit; Org2 approves with another tool meanwhile.
        await gateway.deliver(SIGKILL)
        let script = repositoryRoot.appendingPathComponent("tools/fabric-sim/tests/peer_cli_deploy.py").path
        _ = try await onThread {
            try runCommand([pythonInterpreter(), script, simDir.path, "basic", "--orgs", "Org2MSP", "--approve-orgs", "Org2MSP",
                            "--label", "other_1.0", "--no-commit"], standardError: .capture).checked()
        }
        (gateway, port) = try await serve(install, config: config)
        do {
            // The same spec: the resumed deployment is followed to its end, or, when the restarted
            // gateway finished it before this call (it resumes at start-up), found up to date.
            let done = try await deploy("spec.yaml", wait: "90s")
            #expect(done.status == 0, "\(done.text)")
            #expect(done.text.contains("done:") || done.text.contains("up to date (sequence 1)"), "\(done.text)")
            let db = try Connection(path: install.work.appendingPathComponent("data/gateway.sqlite").path)
            let approvals = try db.scalarInt("SELECT count(*) FROM approval_records WHERE name = 'basic' AND msp_id = 'Org1MSP'")
            #expect(approvals == 1, "one approval made by the gateway for Org1MSP, none after the restart")
            // The chain agrees: the block tracker's record of every approval on the channel, read
            // once it has followed the blocks up to the commit (bounded: 10 s).
            for _ in 0..<100 {
                if try db.scalarInt("SELECT count(*) FROM lifecycle_transactions WHERE name = 'basic' AND kind = 'commit'") == 1 { break }
                try await Task.sleep(for: .milliseconds(100))  // the tracker writes on its own; bounded poll
            }
            let onChain = try db.scalarInt("SELECT count(*) FROM lifecycle_transactions WHERE name = 'basic' AND kind = 'approval' AND msp_id = 'Org1MSP'")
            #expect(onChain == 1, "one Org1MSP approve transaction in the blocks")

            let again = try await deploy("spec.yaml", wait: "30s")
            #expect(again.status == 0, "\(again.text)")
            #expect(again.text.contains("up to date"), "\(again.text)")

            let failed = try await deploy("bad.yaml", wait: "30s")
            #expect(failed.status == 1, "\(failed.text)")
            #expect(failed.errorText.contains("endorsementPolicy"), "\(failed.text) \(failed.errorText)")

            let status = try await install.run(["status", "--server", "http://127.0.0.1:\(port)", "--token-file", "org1.token",
                                                "--channel", "mychannel", "--name", "basic"])
            #expect(status.status == 0, "\(status.text)")
            #expect(status.text.contains("committed sequence 1") && status.text.contains("up to date"), "\(status.text)")
        } catch {
            await gateway.stop()
            throw error
        }
        await gateway.stop()
    }
}
