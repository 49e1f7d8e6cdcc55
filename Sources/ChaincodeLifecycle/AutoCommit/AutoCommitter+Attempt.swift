import Fabric
import FabricAccess
import Foundation
import Store

extension AutoCommitter {
    /// One check of `key`: commits when the draft asks for it, is not committed yet, is ready,
    /// and the gateway can collect the endorsements; otherwise says why not.
    @discardableResult
    func attempt(_ key: Key) async -> Outcome {
        let outcome: Outcome
        do {
            outcome = try await decideAndCommit(key)
        } catch {
            let e = NetworkError.classify(error)
            outcome = .couldNot("auto-commit of sequence \(key.sequence) failed: \(e.message)")
        }
        switch outcome {
        case .couldNot(let why):
            logger.warning("auto-commit could not commit", metadata: ["channel": "\(key.channel)", "chaincode": "\(key.name)", "why": "\(why)"])
            await note(key, why)
        case .committed:
            await note(key, nil)
        case .notAutoCommit, .alreadyCommitted, .notReady:
            break
        }
        return outcome
    }

    private func decideAndCommit(_ key: Key) async throws -> Outcome {
        guard let draft = try await definitions.draft(channel: key.channel, name: key.name),
              draft.autoCommit, draft.sequence == key.sequence else { return .notAutoCommit }
        if let committed = try await definitions.committed(channel: key.channel, name: key.name)?.definition.sequence,
           committed >= draft.sequence {
            return .alreadyCommitted
        }
        let status = try await definitions.approvalStatus(channel: key.channel, name: key.name)
        guard status.ready, status.sequence == draft.sequence else { return .notReady }
        // Never stop a chaincode on its own: that commit needs a person's explicit allowNoPackage.
        if status.wouldStopChaincode {
            return .couldNot(try await DefinitionService.wouldStop(status, draft: draft, definitions: definitions).description)
        }
        let approving = status.orgs.filter(\.readiness).map(\.mspID)
        let submitter: String
        switch try await chooseSubmitter(channel: key.channel, approving: approving) {
        case .success(let org): submitter = org
        case .failure(let why): return .couldNot(why.message)
        }
        // The audit entry's request ID is the commit operation's ID: the one links to the other.
        let operationID = UUID().uuidString.lowercased()
        do {
            let result = try await definitions.commit(try draft.definition(), channel: key.channel, approving: approving,
                                                      submitter: submitter, by: Self.actor, operationID: operationID)
            runningOrgs.invalidate(key.channel, key.name)
            await audit(key, operationID: operationID, status: 200, detail: "tx \(result.transactionID) (sequence \(key.sequence))")
            return .committed(txID: result.transactionID)
        } catch {
            let e = NetworkError.classify(error)
            await audit(key, operationID: operationID, status: statusOf(e), detail: e.message)
            // Someone else's commit of the same sequence may have won the race: that is no failure.
            // When the chain cannot be read now, the commit's own failure is the answer.
            if let now = try? await definitions.committed(channel: key.channel, name: key.name)?.definition.sequence, now >= key.sequence {
                return .alreadyCommitted
            }
            return .couldNot("commit of sequence \(key.sequence) failed: \(e.message)")
        }
    }

    struct CannotCommit: Error { var message: String }

    /// The approving org whose admin identity submits the commit, or why the gateway cannot
    /// collect the endorsements: it needs a peer (configured, else found by service discovery)
    /// of enough approving orgs to satisfy the channel's LifecycleEndorsement policy (each peer
    /// endorses only if its own org approved, docs/fabric-notes.md §9.3).
    private func chooseSubmitter(channel: String, approving: [String]) async throws -> Result<String, CannotCommit> {
        let network = definitions.network
        guard let submitter = approving.first(where: { network.adminClient($0) != nil }) else {
            return .failure(CannotCommit(message: "no admin identity configured for any approving organization ("
                                         + approving.joined(separator: ", ") + "); commit with a tool holding one"))
        }
        let endorsing = try await network.peerOfEach(approving, channel: channel).map(\.mspID)
        let config = try await network.channelConfiguration(channel)
        if let needed = config.lifecycleEndorsingOrganizationCount, endorsing.count < needed {
            return .failure(CannotCommit(message: "only \(endorsing.count) approving organization(s) with a configured or discovered peer ("
                                         + endorsing.joined(separator: ", ") + "); the LifecycleEndorsement policy needs \(needed)"))
        }
        return .success(submitter)
    }

    private func note(_ key: Key, _ why: String?) async {
        do {
            try await queue.write { try DraftRepository($0).setAutoCommitNote(channel: key.channel, name: key.name, sequence: key.sequence, note: why) }
        } catch {
            logger.error("could not record the auto-commit note", metadata: ["chaincode": "\(key.name)", "error": "\(error)"])
        }
    }

    /// Audited like `POST .../commit` (action `chaincode.commit`), with `auto-commit` as the actor
    /// and the commit operation's ID as the request ID (there is no HTTP request).
    private func audit(_ key: Key, operationID: String, status: Int, detail: String) async {
        let entry = AuditEntry(at: Timestamp.now(), actor: Self.actor, role: nil, action: "chaincode.commit",
                               target: "\(key.channel)/\(key.name)", outcome: status < 400 ? "success" : "failed", status: status,
                               requestID: operationID, clientAddress: "gateway", detail: detail)
        do {
            try await queue.write { try AuditRepository($0).insert(entry) }
        } catch {
            logger.error("audit write failed", metadata: ["action": "chaincode.commit", "actor": "\(Self.actor)", "error": "\(error)"])
        }
    }
}
