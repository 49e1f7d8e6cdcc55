import Foundation
import Synchronization

/// A SoftHSM2 token directory for tests (Debian's `softhsm2`, installed by `scripts/setup.sh --test`).
///
/// SoftHSM reads `SOFTHSM2_CONF` and lists its tokens once, at `C_Initialize` (a token
/// initialized later by another process is not seen), and a process initializes a PKCS#11 library
/// once: so a test process has one SoftHSM directory (`shared`) whose tokens are all created,
/// and whose variable is set, before any test loads the library. Each test claims a token of its
/// own (`claimToken`) and imports its keys with `softhsm2-util` (objects added by another process
/// are seen: SoftHSM's file store re-reads a token's objects when its generation file changes).
public final class SoftHSM: Sendable {
    /// Debian's SoftHSM2 PKCS#11 library.
    public static let library = "/usr/lib/softhsm/libsofthsm2.so"

    /// The tokens made up front: enough for every test of one process.
    public static let tokenCount = 16
    /// Every token's user PIN.
    public static let pin = "4321"

    /// The process's SoftHSM directory; sets `SOFTHSM2_CONF` on first use.
    public static let shared: SoftHSM = {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("softhsm-\(getpid())-\(UUID().uuidString.prefix(6))")
        do {
            return try SoftHSM(directory: directory)
        } catch {
            preconditionFailure("cannot create a SoftHSM directory in \(directory.path): \(error)")
        }
    }()

    /// Holds `softhsm2.conf` and `tokens/`.
    public let directory: URL
    /// The configuration file (`SOFTHSM2_CONF`).
    public let configFile: String
    /// The token directory: a token is one subdirectory of it.
    public var tokensDirectory: URL { directory.appendingPathComponent("tokens") }

    private init(directory: URL) throws {
        self.directory = directory
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("tokens"), withIntermediateDirectories: true)
        configFile = directory.appendingPathComponent("softhsm2.conf").path
        let conf = "directories.tokendir = \(directory.appendingPathComponent("tokens").path)\nobjectstore.backend = file\nlog.level = ERROR\n"
        try Data(conf.utf8).write(to: URL(fileURLWithPath: configFile))
        setenv("SOFTHSM2_CONF", configFile, 1)
        // One shell for all of them: each child process is a chance for Foundation's Process/Pipe
        // teardown race on Linux (a crash in libdispatch's _dispatch_event_loop_drain).
        let script = (1...Self.tokenCount).map { i in
            "softhsm2-util --init-token --free --label \(Self.tokenLabel(i)) --pin \(Self.pin) --so-pin so-\(Self.pin) >/dev/null"
        }.joined(separator: " && ")
        _ = try runCommand(["SOFTHSM2_CONF=\(configFile)", "sh", "-c", script], standardError: .merge).checked()
    }

    private let claimed = Mutex(0)

    static func tokenLabel(_ i: Int) -> String { "test-\(getpid())-\(i)" }

    /// A token of its own for the caller (user PIN `SoftHSM.pin`), without keys.
    public func claimToken() -> String {
        let i = claimed.withLock { n -> Int in
            n += 1
            return n
        }
        precondition(i <= Self.tokenCount, "more SoftHSM tokens claimed than made: raise SoftHSM.tokenCount")
        return Self.tokenLabel(i)
    }

    /// Whether SoftHSM is installed here (`scripts/setup.sh --test` installs it).
    public static var isInstalled: Bool {
        FileManager.default.fileExists(atPath: library) && FileManager.default.isExecutableFile(atPath: "/usr/bin/softhsm2-util")
    }

    /// `softhsm2-util` with this directory's configuration; throws with its output on failure.
    @discardableResult
    public func util(_ arguments: [String]) throws -> String {
        try runCommand(["SOFTHSM2_CONF=\(configFile)", "softhsm2-util"] + arguments, standardError: .merge).checked().text
    }

    /// Imports a PKCS#8 PEM private key file into token `token` as `keyLabel`/`keyID` (hex).
    /// softhsm2-util reads every token of the directory, which other tests of this process change
    /// at the same time (keys removed and imported): a failed import is tried twice more.
    public func importKey(pemFile: String, token: String, pin: String, keyLabel: String, keyID: String) throws {
        let arguments = ["--import", pemFile, "--token", token, "--pin", pin, "--label", keyLabel, "--id", keyID]
        for _ in 1..<3 {
            if (try? util(arguments)) != nil { return }
            usleep(500_000)
        }
        try util(arguments)
    }

    /// The directory holding token `label`'s objects (its `token.object` names the label).
    public func tokenDirectory(label: String) throws -> URL {
        for name in try FileManager.default.contentsOfDirectory(atPath: tokensDirectory.path) {
            let dir = tokensDirectory.appendingPathComponent(name)
            // The label is stored padded to 32 bytes inside token.object.
            guard let data = FileManager.default.contents(atPath: dir.appendingPathComponent("token.object").path) else { continue }
            let padded = Array(label.utf8) + [UInt8](repeating: 0x20, count: max(0, 32 - label.utf8.count))
            if Data(data).range(of: Data(padded)) != nil { return dir }
        }
        throw CommandFailed(arguments: ["tokenDirectory", label], status: 1, errorText: "no token labelled '\(label)'")
    }
}
