import Fabric
import FabricAccess

/// Evaluate and submit on peers chosen from Fabric's service discovery: the gateway signs with
/// its own organization's client identity and asks any channel org's peers to endorse (a client
/// of any channel org may), so a policy needing organizations whose identities the gateway does
/// not hold can still be met. Each returns nil when discovery is unavailable (no Discovery
/// service, whole-request error, unreachable): the caller then uses the static configuration.
extension InvokeService {
    /// The plan for `name` on `channel`, or nil when discovery is unavailable. A refused query
    /// throws `NetworkError(.discoveryRefused)` with Fabric's words.
    /// `calls`: the invocation chain and collections to plan for (default: the chaincode alone).
    func discoveredPlan(channel: String, name: String, calls: [ChaincodeInterestCall]? = nil) async throws
        -> (plan: EndorsementPlan, config: DiscoveredChannelConfig, client: FabricClient)? {
        guard let own = network.ownOrganization, let client = network.queryClient(own) else { return nil }
        let asked = (network.organization(own)?.peers ?? []).map(network.endpoint)
        do {
            let (config, descriptor) = try await network.discovery.endorsers(
                channel: channel, calls: calls ?? [ChaincodeInterestCall(name: name)], client: client, via: asked,
                timeout: network.queryTimeout)
            return (EndorsementPlan(descriptor: descriptor, ownOrg: own), config, client)
        } catch is DiscoveryUnavailableError {
            return nil
        } catch {
            let refused = NetworkError.classify(error, peer: asked.first?.address, org: own)
            // Discovery builds no descriptor for a chaincode no peer runs (e.g. every org approved
            // the committed sequence without a package): say that, as the static path does
            // (409 chaincode_unavailable), rather than only Fabric's words. Anything else that
            // check finds (not committed, no configured org) leaves Fabric's refusal as the answer.
            if refused.kind == .discoveryRefused, calls == nil {
                do { _ = try await runningOrgs(channel: channel, name: name) } catch let unavailable as ChaincodeUnavailableError {
                    throw unavailable
                } catch {}
            }
            throw refused
        }
    }

    func evaluateDiscovered(_ call: Call, channel: String, name: String) async throws -> [UInt8]? {
        guard let (plan, config, client) = try await discoveredPlan(channel: channel, name: name) else { return nil }
        let proposal = try client.proposal(invocation(call, channel: channel, name: name))
        var lastError: NetworkError?
        for peer in plan.evaluationPeers() {
            let endpoint = network.discovery.endpoint(advertised: peer.endpoint, mspID: peer.mspID, config: config)
            do {
                return Array(try await client.evaluate(proposal, on: endpoint, timeout: network.queryTimeout).payload)
            } catch {
                let e = NetworkError.classify(error, peer: endpoint.address, org: peer.mspID)
                // Only an unreachable or silent peer is worth replacing; a refusal is the answer.
                guard e.isTransportFailure else { throw e }
                lastError = e
            }
        }
        network.discovery.invalidate(channel: channel)
        throw lastError ?? NetworkError(.discoveryRefused, "no peer can evaluate '\(name)' on '\(channel)'",
                                        fabricMessage: EndorsementPlan.unsatisfiable)
    }

    /// Fabric's gateway strategy (internal/pkg/gateway/api.go `planFromFirstEndorser`): one
    /// endorsement first, from this org's peer when the chaincode's plan has one; then the plan
    /// for what that simulation touched (`ProposalResponse.interest`: collections with their own
    /// endorsement policies, chaincodes called), and the rest of its layout. The invoked
    /// chaincode stays in the interest even when its simulation touched none of its own state:
    /// its namespace is always validated
    /// (core/committer/txvalidator/v20/plugindispatcher/dispatcher.go).
    func submitDiscovered(_ call: Call, channel: String, name: String) async throws -> (result: [UInt8], status: CommitStatus)? {
        guard let (initial, config, client) = try await discoveredPlan(channel: channel, name: name) else { return nil }
        let proposal = try client.proposal(invocation(call, channel: channel, name: name))
        var failed = Set<String>()
        guard let (firstPeer, firstResponse) = try await firstEndorsement(proposal, plan: initial, config: config, client: client,
                                                                          channel: channel, failed: &failed) else {
            throw NetworkError(.discoveryRefused, "no reachable peer can endorse '\(name)' on '\(channel)'",
                               fabricMessage: EndorsementPlan.unsatisfiable)
        }
        var calls = ChaincodeInterestCall.calls(firstResponse.response.interest)
        if !calls.contains(ChaincodeInterestCall(name: name)) { calls.insert(ChaincodeInterestCall(name: name), at: 0) }
        let plan = calls == [ChaincodeInterestCall(name: name)]
            ? initial : try await discoveredPlan(channel: channel, name: name, calls: calls)?.plan ?? initial
        while let peers = plan.endorsers(excluding: failed, endorsed: [firstPeer.endpoint]) {
            var advertised: [String: String] = [:]
            let endpoints = peers.map { peer -> FabricEndpoint in
                let e = network.discovery.endpoint(advertised: peer.endpoint, mspID: peer.mspID, config: config)
                advertised[e.address] = peer.endpoint
                return e
            }
            let transaction: Transaction
            do {
                transaction = try await client.endorse(proposal, on: endpoints, adding: [firstResponse])
            } catch let e as EndorseError where e.details.contains(where: { $0.transport != nil }) {
                // A peer of the plan is down: forget the cached answer and try another layout.
                failed.formUnion(e.details.filter { $0.transport != nil }.compactMap { advertised[$0.endpoint] })
                network.discovery.invalidate(channel: channel)
                continue
            } catch {
                throw NetworkError.classify(error)
            }
            let firstEndpoint = network.discovery.endpoint(advertised: firstPeer.endpoint, mspID: firstPeer.mspID, config: config)
            return try await order(transaction, client: client, config: config, endorsers: [firstEndpoint] + endpoints)
        }
        throw NetworkError(.discoveryRefused, "no reachable peers satisfy the endorsement policy of '\(name)' on '\(channel)'",
                           fabricMessage: EndorsementPlan.unsatisfiable)
    }

    /// The first endorsement: the plan's peers best first (this org's, then the highest ledger),
    /// the next one when a peer does not answer; a refusal is the answer. Nil when none answers.
    private func firstEndorsement(_ proposal: Proposal, plan: EndorsementPlan, config: DiscoveredChannelConfig, client: FabricClient,
                                  channel: String, failed: inout Set<String>) async throws
        -> (peer: DiscoveredPeer, response: EndorsementResponse)? {
        for peer in plan.evaluationPeers() where !failed.contains(peer.endpoint) {
            let endpoint = network.discovery.endpoint(advertised: peer.endpoint, mspID: peer.mspID, config: config)
            do {
                return (peer, try await client.endorsement(proposal, on: endpoint))
            } catch let e as EndorseError where e.details.contains(where: { $0.transport != nil }) {
                failed.insert(peer.endpoint)
                network.discovery.invalidate(channel: channel)
            } catch {
                throw NetworkError.classify(error)
            }
        }
        return nil
    }

    /// Broadcasts to the configured orderer, else to one discovery names; waits for the commit on
    /// an own-org configured peer (else the first endorser).
    private func order(_ transaction: Transaction, client: FabricClient, config: DiscoveredChannelConfig,
                       endorsers: [FabricEndpoint]) async throws -> (result: [UInt8], status: CommitStatus) {
        let orderer: FabricEndpoint
        if network.config.orderers.isEmpty {
            guard let discovered = network.discovery.orderer(config: config) else {
                throw NetworkError(.noOrderer, "neither the configuration nor discovery names an orderer")
            }
            orderer = discovered
        } else {
            orderer = try network.orderer()
        }
        let own = client.signer.identity.mspID
        let commitPeer = network.organization(own)?.peers.first.map(network.endpoint) ?? endorsers[0]
        do {
            return (transaction.result, try await client.submit(transaction, orderer: orderer, commitPeer: commitPeer))
        } catch {
            throw NetworkError.classify(error)
        }
    }
}
