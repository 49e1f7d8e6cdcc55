import Foundation

/// `tools/fabric-sim/fabric_sim.py up` running in a directory of its own: the one launcher of
/// the simulated Fabric network for every test target. It writes `ready.json` and
/// `gateway.yaml` there before printing its ready line; `stop` ends it as `ChildProcess` does
/// (SIGTERM, so the simulator shuts its servers down cleanly; SIGKILL after a bound).
public final class FabricSimulator: Sendable {
    /// The simulator's entry point in this repository.
    public static var script: String { repositoryRoot.appendingPathComponent("tools/fabric-sim/fabric_sim.py").path }
    /// False in a tree without `tools/fabric-sim`.
    public static var isAvailable: Bool { FileManager.default.fileExists(atPath: script) }

    /// The `--dir` given to the simulator (created if missing; left for the caller to remove).
    public let directory: URL
    private let child: ChildProcess

    private init(directory: URL, child: ChildProcess) {
        self.directory = directory
        self.child = child
    }

    /// Runs `fabric_sim.py up --dir <directory> <arguments>` and returns once it is ready.
    public static func start(directory: URL, arguments: [String] = []) async throws -> FabricSimulator {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let child = try await ChildProcess.start([pythonInterpreter(), script, "up", "--dir", directory.path] + arguments,
                                                 readyMarker: "fabric-sim ready")
        return FabricSimulator(directory: directory, child: child)
    }

    /// `ready.json`, which the simulator wrote before its ready line.
    public func readyFile() throws -> Data {
        try Data(contentsOf: directory.appendingPathComponent("ready.json"))
    }

    /// Stops the simulator (SIGTERM, bounded wait, SIGKILL). Idempotent.
    public func stop() async {
        await child.stop()
    }
}
