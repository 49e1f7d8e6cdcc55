import ArgumentParser
import Configuration
import FabricAccess
import Foundation

/// Validates a configuration file with the gateway's own parser and exits non-zero with the
/// file, key and problem when it is wrong (CI checks the compose setup's file with it). Unless
/// `--syntax-only`, every identity is loaded too: key files read, PKCS#11 tokens logged in to and
/// their keys found and checked against the certificates.
struct CheckConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-config", abstract: "Validate a gateway configuration file without starting anything.")

    @Option(help: "The configuration file (YAML).") var config: String
    @Flag(help: "Do not require referenced certificate, key and MSP paths to exist on this machine (a config for a container).")
    var syntaxOnly = false

    func run() throws {
        do {
            guard let network = try GatewayConfiguration.load(path: config, checkFiles: !syntaxOnly).network else {
                print("ok: \(config): server settings only (no network section)")
                return
            }
            // With the files present: load every identity as `serve` would (keys read, PKCS#11
            // sessions opened, keys found and matched to their certificates), and say which.
            let identities = syntaxOnly ? [] : try FabricNetwork.checkIdentities(network)
            print("ok: \(config): \(network.organizations.count) organizations, \(network.peers.count) peers, "
                  + "\(network.orderers.count) orderers, channels \(network.channels.joined(separator: ", "))")
            for line in identities { print("  \(line)") }
        } catch {
            FileHandle.standardError.write(Data("invalid configuration: \(error)\n".utf8))
            throw ExitCode(1)
        }
    }
}
