import EventLoop
import Fabric
import Foundation

/// Package IDs across sequences. Every org approves a definition with its own package ID, and
/// an approval without one (`source: unavailable`) leaves that org's peers unable to run the
/// chaincode once the definition is committed (core/chaincode/lifecycle/endorsement_info.go
/// `CachedChaincodeInfo`: "chaincode definition for '%s' exists, but chaincode is not
/// installed"). So a draft for a new sequence starts from the package each org approved for the
/// committed one, and approving or committing without a package is an explicit choice.
extension DefinitionService {
    /// The package each org approved for `sequence` (the committed one): from the org's own peer
    /// when the gateway holds its admin identity (QueryApprovedChaincodeDefinition), else from the
    /// blocks (the org's latest valid approval); for an org that approved without one (or is not
    /// known to have approved), from `previous`, an older draft. Orgs the
    /// gateway can ask are also checked for the package being installed on each of their peers.
    func carriedPackages(channel: String, name: String, sequence: Int64, previous: DefinitionDraft?) async throws -> [String: PackageChoice] {
        let recorded = try await queue.read { try TrackingRepository($0).latestApprovals(channel: channel, name: name, sequence: sequence) }
        let own = network.config.organizations.map(\.mspID).filter { network.adminClient($0) != nil }
        let asked = await withTaskGroup(of: Keyed<PackageChoice?>.self) { group in
            for org in own { group.addTask { Keyed(org, await askOwnPeer(channel: channel, name: name, sequence: sequence, org: org)) } }
            var out: [String: PackageChoice] = [:]
            for await answer in group { out[answer.key] = answer.value }
            return out
        }
        var older: [String: PackageChoice] = [:]
        for (org, choice) in previous?.packages ?? [:] {
            guard let id = choice.packageID else { continue }  // an old explicit "none" is not carried to a new sequence
            older[org] = PackageChoice(packageID: id, source: PackageSource(kind: .previousDraft, sequence: previous?.sequence))
        }
        // What an org approved for the committed sequence is what its peers run: it wins over an
        // older draft; its own peer's answer over the blocks (which may lag). An org that approved
        // without a package runs nothing today: the older draft's entry (what it meant to run)
        // stays, so its next approval can name a package.
        var choices: [String: PackageChoice] = [:]
        for org in Set(older.keys).union(recorded.keys).union(asked.keys) {
            if let answer = asked[org] {
                choices[org] = answer.packageID != nil ? answer : older[org]
            } else if let record = recorded[org], let id = record.packageID {
                choices[org] = PackageChoice(packageID: id, source: PackageSource(kind: .block, sequence: sequence,
                                                                                  blockNumber: record.blockNumber, txID: record.txID))
            } else {
                choices[org] = older[org]
            }
        }
        return await checkInstalled(choices)
    }

    /// The org's own approval of `sequence` as its peer reports it; nil when the org did not
    /// approve it or no peer answered (the blocks then decide). An approval without a package
    /// is returned with a nil ID (and is then not carried).
    private func askOwnPeer(channel: String, name: String, sequence: Int64, org: String) async -> PackageChoice? {
        guard let admin = network.adminClient(org), let node = network.organization(org)?.peers.first else { return nil }
        do {
            let approved = try await admin.evaluate(Lifecycle.queryApprovedChaincodeDefinition(name: name, sequence: sequence),
                                                    channelID: channel, on: network.endpoint(node), timeout: network.queryTimeout)
            guard approved.definition.sequence == sequence else { return nil }
            return PackageChoice(packageID: approved.packageID, source: PackageSource(kind: .peer, sequence: sequence, peer: node.name))
        } catch {
            // Expected when the org did not approve that sequence (the peer answers "could not
            // fetch approved chaincode definition") or its peer is away: the blocks then decide.
            return nil
        }
    }

    /// Marks each choice of an org whose peers the gateway can ask with whether every one of
    /// them has the package installed, and names the peers that do not.
    func checkInstalled(_ choices: [String: PackageChoice]) async -> [String: PackageChoice] {
        await withTaskGroup(of: Keyed<PackageChoice>.self) { group in
            for (org, choice) in choices {
                group.addTask {
                    guard let id = choice.packageID, network.adminClient(org) != nil,
                          let peers = network.organization(org)?.peers, !peers.isEmpty else { return Keyed(org, choice) }
                    var checked = choice
                    var missing: [String] = []
                    var unanswered: [String] = []
                    for node in peers {
                        do {
                            if try await !network.installed(on: node).contains(where: { $0.packageID == id }) { missing.append(node.name) }
                        } catch {
                            unanswered.append(node.name)
                        }
                    }
                    checked.source.installed = unanswered.isEmpty ? missing.isEmpty : (missing.isEmpty ? nil : false)
                    var notes: [String] = []
                    if !missing.isEmpty { notes.append("not installed on \(missing.joined(separator: ", "))") }
                    if !unanswered.isEmpty { notes.append("could not ask \(unanswered.joined(separator: ", "))") }
                    checked.source.note = notes.isEmpty ? nil : notes.joined(separator: "; ")
                    return Keyed(org, checked)
                }
            }
            var out: [String: PackageChoice] = [:]
            for await checked in group { out[checked.key] = checked.value }
            return out
        }
    }

    /// The package `org` approved for the committed `sequence`, i.e. what its peers run today:
    /// its own peer's answer first, else the blocks. nil when it approved without one, did not
    /// approve that sequence, or nothing is known.
    func runningPackage(channel: String, name: String, sequence: Int64, org: String) async throws -> String? {
        if let asked = await askOwnPeer(channel: channel, name: name, sequence: sequence, org: org) { return asked.packageID }
        let recorded = try await queue.read { try TrackingRepository($0).latestApprovals(channel: channel, name: name, sequence: sequence) }
        return recorded[org]?.packageID
    }

    /// Refuses approvals that would stop a running chaincode: an org approving `definition` with
    /// no package while its peers run the committed sequence with one, unless that is explicit
    /// (the draft's `null`, the request's `null`, or `allowNoPackage`).
    func checkNoSilentRemoval(_ definition: ChaincodeDefinition, channel: String, orgs: [String],
                              packageFor: (String) -> (id: String?, explicit: Bool)) async throws {
        guard let committed = try await committed(channel: channel, name: definition.name)?.definition.sequence else { return }
        var running: [(org: String, packageID: String)] = []
        for org in orgs {
            let choice = packageFor(org)
            guard choice.id == nil, !choice.explicit,
                  let today = try await runningPackage(channel: channel, name: definition.name, sequence: committed, org: org) else { continue }
            running.append((org, today))
        }
        guard running.isEmpty else {
            throw PackageMissingError(action: .approve, channel: channel, name: definition.name, sequence: definition.sequence,
                                      committedSequence: committed, orgs: running)
        }
    }
}
