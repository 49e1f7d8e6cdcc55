import ArgumentParser
import Foundation

/// Where the `deploy` and `status` subcommands find the gateway and the chaincode.
struct DeploymentTarget: ParsableArguments {
    @Option(help: "The gateway's URL (http://host:port or https://host:port).") var server: String
    @Option(help: "File holding the API token (an operator or admin token for deploy); optional with --client-cert.")
    var tokenFile: String?
    @Option(help: "Channel name.") var channel: String
    @Option(help: "Chaincode name.") var name: String
    @Option(help: "https: PEM file of the CA(s) that issued the gateway's certificate (default: the system's bundle).")
    var caFile: String?
    @Option(help: "https: client certificate (PEM) bound to a role on the gateway (a certificate identity).")
    var clientCert: String?
    @Option(help: "https: the client certificate's private key (PEM).") var clientKey: String?

    func client() throws -> GatewayClient {
        func read(_ path: String, _ option: String) throws -> String {
            do { return try String(contentsOfFile: path, encoding: .utf8) } catch {
                throw ValidationError("cannot read \(option) '\(path)': \(error.localizedDescription)")
            }
        }
        let token = try tokenFile.map { try read($0, "--token-file").trimmingCharacters(in: .whitespacesAndNewlines) }
        guard token != nil || clientCert != nil else {
            throw ValidationError("give --token-file, or --client-cert and --client-key for a certificate identity")
        }
        guard (clientCert == nil) == (clientKey == nil) else { throw ValidationError("--client-cert and --client-key go together") }
        let tls = GatewayClient.TLSFiles(
            caPEM: try caFile.map { try read($0, "--ca-file") }, clientCertificatePEM: try clientCert.map { try read($0, "--client-cert") },
            clientKeyPEM: try clientKey.map { try read($0, "--client-key") })
        return try GatewayClient(server: server, token: token, tls: tls)
    }

    var path: String { "/api/v1/channels/\(Self.escape(channel))/chaincodes/\(Self.escape(name))/deployment" }

    static func escape(_ s: String) -> String { s.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(["/"])) ?? s }
}

/// `chaincode-gateway deploy -f spec.yaml ...`: applies a deployment spec and follows its
/// operation, printing a line per change. Exit 0: committed and up to date; 2: still waiting for
/// other organizations (or a manual commit) when the wait ends; 1: failed, with the error.
struct DeployCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "deploy", abstract: "Apply a declarative deployment spec (YAML or JSON) and follow it until done.")

    @Option(name: .shortAndLong, help: "The spec file (YAML, or JSON when it starts with '{').") var file: String
    @OptionGroup var target: DeploymentTarget
    @Option(help: "How long to follow the deployment (e.g. 90s, 10m, 1h).") var wait: String = "10m"

    func run() throws {
        let client = try target.client()
        guard let seconds = Self.seconds(wait) else { throw ValidationError("--wait must be a duration such as 90s, 10m or 1h") }
        let spec: [UInt8]
        do { spec = Array(try Data(contentsOf: URL(fileURLWithPath: file))) } catch {
            throw ValidationError("cannot read spec file '\(file)': \(error.localizedDescription)")
        }
        let isJSON = spec.first(where: { ![9, 10, 13, 32].contains($0) }) == UInt8(ascii: "{")
        let applied = try client.request("PUT", target.path, body: spec, contentType: isJSON ? "application/json" : "application/yaml")
        switch applied.status {
        case 200:
            print("up to date (sequence \(applied.json["sequence"] as? Int ?? 0)): nothing to do")
            return
        case 202:
            guard let op = applied.json["operation"] as? [String: Any], let id = op["id"] as? String else {
                throw Fail.message("unexpected answer: \(applied.text.prefix(300))")
            }
            print("deployment operation \(id)")
            try follow(client, id: id, first: op, deadline: Date().addingTimeInterval(seconds))
        default:
            throw Fail.message(applied.errorLine)
        }
    }

    /// Long-polls the operation until it ends or `deadline`, printing each change.
    private func follow(_ client: GatewayClient, id: String, first: [String: Any], deadline: Date) throws {
        var op = first
        var printed: [String: String] = [:]
        while true {
            Self.report(op, printed: &printed)
            switch op["state"] as? String {
            case "succeeded":
                print("done: \((op["steps"] as? [[String: Any]])?.last?["message"] as? String ?? "committed")")
                return
            case "failed":
                throw Fail.message(op["error"] as? String ?? "the deployment failed")
            default: break
            }
            let left = Int(deadline.timeIntervalSinceNow.rounded(.up))
            guard left > 0 else {
                if let phase = op["phase"] as? String, phase.hasPrefix("waiting-for") {
                    let who = ((op["result"] as? [String: Any])?["waitingFor"] as? [String]) ?? []
                    print("still \(phase)" + (who.isEmpty ? "" : ": \(who.joined(separator: ", "))") + " after \(wait)")
                    throw ExitCode(2)
                }
                throw Fail.message("not finished after \(wait) (state \(op["state"] as? String ?? "?"))")
            }
            let r = try client.request("GET", "/api/v1/operations/\(id)?wait=\(min(left, 30))s", timeout: min(left, 30) + 30)
            guard r.status == 200 else { throw Fail.message(r.errorLine) }
            op = r.json
        }
    }

    /// One line per step whose state or message changed, and one per phase change.
    static func report(_ op: [String: Any], printed: inout [String: String]) {
        for step in op["steps"] as? [[String: Any]] ?? [] {
            let name = step["name"] as? String ?? "?", state = step["state"] as? String ?? "?"
            guard state != "queued" else { continue }
            let line = "\(name): \(state) - \(step["message"] as? String ?? "")" + ((step["detail"] as? String).map { " (\($0))" } ?? "")
            if printed[name] != line { print(line); printed[name] = line }
        }
        let phase = op["phase"] as? String ?? ""
        if printed["phase"] ?? "" != phase, !phase.isEmpty {
            let who = ((op["result"] as? [String: Any])?["waitingFor"] as? [String]) ?? []
            print(phase + (who.isEmpty ? "" : ": \(who.joined(separator: ", "))"))
        }
        printed["phase"] = phase
    }

    /// `90s`, `10m`, `1h`, or plain seconds.
    static func seconds(_ text: String) -> Double? {
        for (suffix, factor) in [("ms", 0.001), ("s", 1.0), ("m", 60.0), ("h", 3600.0)] where text.hasSuffix(suffix) {
            if let n = Double(text.dropLast(suffix.count)), n >= 0 { return n * factor }
        }
        return Double(text).flatMap { $0 >= 0 ? $0 : nil }
    }
}

/// `chaincode-gateway status --channel ... --name ...`: the recorded spec, its operation and
/// what the network holds. Exit 0 when up to date, 2 when not (yet), 1 on an error.
struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "status", abstract: "Show a chaincode's deployment spec, progress and diff.")

    @OptionGroup var target: DeploymentTarget

    func run() throws {
        let r = try target.client().request("GET", target.path)
        guard r.status == 200 else { throw Fail.message(r.errorLine) }
        let s = r.json
        let spec = s["spec"] as? [String: Any] ?? [:]
        let observed = s["observed"] as? [String: Any] ?? [:]
        print("chaincode \(target.name) on \(target.channel): spec version \(spec["version"] as? String ?? "?"), "
              + "committed sequence \((observed["committedSequence"] as? Int).map(String.init) ?? "none")")
        if let op = s["operation"] as? [String: Any] {
            print("operation \(op["id"] as? String ?? "?"): \(op["state"] as? String ?? "?")" + ((op["phase"] as? String).map { " (\($0))" } ?? ""))
        }
        for p in observed["peers"] as? [[String: Any]] ?? [] {
            print("peer \(p["peer"] as? String ?? "?"): " + ((p["installed"] as? Bool).map { $0 ? "installed" : "not installed" } ?? "unknown"))
        }
        for o in observed["orgs"] as? [[String: Any]] ?? [] {
            print("org \(o["mspId"] as? String ?? "?"): \(o["state"] as? String ?? "?") (sequence \(o["sequence"] as? Int ?? 0))")
        }
        let diff = s["diff"] as? [[String: Any]] ?? []
        for d in diff { print("differs: " + Self.describe(d)) }
        let upToDate = s["upToDate"] as? Bool ?? false
        print(upToDate ? "up to date" : "differs: \(diff.count) item(s)")
        if !upToDate { throw ExitCode(2) }
    }

    /// One line for a diff entry of `GET .../deployment` (openapi.yaml DeploymentDiff).
    static func describe(_ d: [String: Any]) -> String {
        func text(_ v: Any?) -> String {
            switch v {
            case let s as String: s
            case let n as Int: String(n)
            case let b as Bool: String(b)
            default: "none"
            }
        }
        switch d["kind"] as? String {
        case "install": return "install \(text(d["packageId"])) on \(text(d["peer"]))"
        case "approve": return "approve by \(text(d["mspId"])): \(text(d["state"])) (sequence \(text(d["sequence"])))"
        case "init":
            let state = d["initialized"] as? Bool == false ? "not initialized" : "unknown (\(text(d["error"])))"
            return "init \(text(d["function"])): version \(text(d["version"])) \(state)"
        default: return "definition \(text(d["field"])): spec \(text(d["spec"])), committed \(text(d["committed"]))"
        }
    }
}

/// A failure the subcommands report as one line on stderr, exiting 1.
enum Fail: Error, CustomStringConvertible {
    case message(String)
    var description: String { if case .message(let m) = self { return m }; return "failed" }
}
