import Fabric
import Foundation
import Store

extension DefinitionService {
    /// What `POST .../draft/adopt` takes.
    public struct AdoptInput: Sendable {
        public var fromOrg: String
        /// nil: the pending sequence.
        public var sequence: Int64?
        /// This gateway's organizations' package; nil: matched by label among their installed packages.
        public var packageID: String?
        /// The organizations whose package the draft sets (those the caller acts for with an admin identity).
        public var orgs: [String]

        public init(fromOrg: String, sequence: Int64?, packageID: String?, orgs: [String]) {
            (self.fromOrg, self.sequence, self.packageID, self.orgs) = (fromOrg, sequence, packageID, orgs)
        }
    }

    /// Makes the draft exactly the definition `fromOrg` approved (every field, from its block),
    /// with `orgs`' own package IDs: given explicitly, or the one package installed on each org's
    /// peers whose label is the label of the package `fromOrg` approved. 422 when neither.
    public func adopt(channel: String, name: String, input: AdoptInput, by actor: String) async throws -> DefinitionDraft {
        let record = try await adoptedApproval(channel: channel, name: name, input: input)
        var draft = try DefinitionDraft(subject: record.definition, channel: channel)
        (draft.updatedAt, draft.updatedBy) = (Timestamp.now(), actor)
        var packages: [String: PackageChoice] = [:]
        for org in input.orgs {
            if let id = input.packageID {
                packages[org] = PackageChoice(packageID: id, source: PackageSource(kind: .request))
            } else {
                packages[org] = try await packageByLabel(of: record, for: org)
            }
        }
        draft.packages = await checkInstalled(packages)
        let saved = draft
        try await queue.write { try DraftRepository($0).save(saved) }
        return saved
    }

    /// `fromOrg`'s latest valid approval at the sequence asked for (else the pending one).
    private func adoptedApproval(channel: String, name: String, input: AdoptInput) async throws -> LifecycleRecord {
        let record = try await queue.read { db -> LifecycleRecord? in
            let repo = TrackingRepository(db)
            if let sequence = input.sequence { return try repo.latestApprovals(channel: channel, name: name, sequence: sequence)[input.fromOrg] }
            return try repo.pendingApprovals(channel: channel, name: name)[input.fromOrg]
        }
        guard let record else {
            let which = input.sequence.map { "sequence \($0)" } ?? "a pending sequence"
            throw LifecycleError.notFound("approval", "the blocks record no approval by \(input.fromOrg) of '\(name)' at \(which) "
                                          + "on channel '\(channel)'")
        }
        return record
    }

    /// The package installed on `org`'s peers whose label is that of the package `record` names.
    private func packageByLabel(of record: LifecycleRecord, for org: String) async throws -> PackageChoice {
        guard let theirs = record.packageID, let label = theirs.split(separator: ":").first.map(String.init) else {
            throw LifecycleError.invalid("packageId", "is required: \(record.mspID) approved without a package, so there is no label to match "
                                         + "among \(org)'s installed packages")
        }
        var matches: [String: [String]] = [:]
        for node in network.organization(org)?.peers ?? [] {
            for installed in try await network.installed(on: node) where installed.label == label {
                matches[installed.packageID, default: []].append(node.name)
            }
        }
        guard matches.count == 1, let (id, peers) = matches.first else {
            let found = matches.isEmpty ? "none is installed" : "several are installed (\(matches.keys.sorted().joined(separator: ", ")))"
            throw LifecycleError.invalid("packageId", "is required: \(record.mspID) approved a package labelled '\(label)' and \(found) "
                                         + "on \(org)'s peers")
        }
        var source = PackageSource(kind: .installedLabel, peer: peers.sorted().joined(separator: ", "))
        source.note = "label '\(label)', as \(record.mspID)'s package"
        return PackageChoice(packageID: id, source: source)
    }
}
