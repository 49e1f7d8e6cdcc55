import Fabric
import FabricAccess
import Foundation
import JSON

/// Evaluate and submit transactions of a committed chaincode, with the client identity of
/// an org that approved it (its peers run the chaincode).
public struct InvokeService: Sendable {
    let network: FabricNetwork
    let definitions: DefinitionService
    let operations: OperationService
    let cache: RunningOrgsCache
    let background: BackgroundTasks

    public struct Call: Sendable {
        public var function: String
        public var arguments: [[UInt8]]
        public var transient: [String: [UInt8]]
        public var isInit: Bool

        public init(function: String, arguments: [[UInt8]], transient: [String: [UInt8]], isInit: Bool) {
            self.function = function
            self.arguments = arguments
            self.transient = transient
            self.isInit = isInit
        }
    }

    /// Orgs whose peers can run the chaincode: approved the committed definition and configured.
    /// 409 `chaincode_unavailable` when the orgs that approved it cannot run it (approved
    /// without a package, or with one not installed); 422 `no_endorsing_org` when none is configured.
    func runningOrgs(channel: String, name: String) async throws -> [String] {
        if let orgs = cache.get(channel, name) { return orgs }
        guard let committed = try await definitions.committed(channel: channel, name: name) else {
            throw LifecycleError.notFound("chaincode", "chaincode '\(name)' is not committed on channel '\(channel)'")
        }
        let approved = committed.approvals.filter(\.value).keys.sorted()
        var orgs: [String] = []
        var unable: (withoutPackage: [String], notInstalled: [String]) = ([], [])
        for org in approved {
            switch await canRun(org, channel: channel, name: name) {
            case .yes: orgs.append(org)
            case .notConfigured: break
            case .no:
                let package = try await definitions.runningPackage(channel: channel, name: name, sequence: committed.definition.sequence, org: org)
                if package == nil { unable.withoutPackage.append(org) } else { unable.notInstalled.append(org) }
            }
        }
        guard !orgs.isEmpty else {
            if !unable.withoutPackage.isEmpty || !unable.notInstalled.isEmpty {
                throw ChaincodeUnavailableError(channel: channel, name: name, sequence: committed.definition.sequence,
                                                approvedWithoutPackage: unable.withoutPackage, notInstalled: unable.notInstalled)
            }
            throw LifecycleError(.noEndorsingOrg, "no configured organization has approved '\(name)' on '\(channel)'")
        }
        cache.set(channel, name, orgs)
        return orgs
    }

    private enum CanRun { case yes, no, notConfigured }

    /// Whether an org that approved the committed definition can run it here: it needs a client
    /// identity and a peer; its first peer must have a package referencing the chaincode (an org
    /// may approve without a package) when the gateway holds the org's admin key to ask.
    private func canRun(_ org: String, channel: String, name: String) async -> CanRun {
        guard network.queryClient(org) != nil, let node = network.organization(org)?.peers.first else { return .notConfigured }
        guard network.adminClient(org) != nil else { return .yes }
        do {
            let installed = try await network.installed(on: node)
            return installed.contains(where: { $0.references[channel]?.contains { $0.name == name } == true }) ? .yes : .no
        } catch {
            // Its peer did not answer the admin query: keep the org, so the invocation itself
            // reports what the peer says (or that it is unreachable).
            return .yes
        }
    }

    func invocation(_ call: Call, channel: String, name: String) -> ChaincodeInvocation {
        ChaincodeInvocation(channelID: channel, chaincodeName: name, arguments: [Array(call.function.utf8)] + call.arguments,
                            transientData: call.transient, isInit: call.isInit)
    }

    /// On peers from service discovery when it answers (`InvokeService+Discovery.swift`), else on
    /// the first configured org that runs the chaincode.
    public func evaluate(_ call: Call, channel: String, name: String) async throws -> [UInt8] {
        if let result = try await evaluateDiscovered(call, channel: channel, name: name) { return result }
        let org = try await runningOrgs(channel: channel, name: name)[0]
        let node = network.organization(org)!.peers[0]
        let client = network.queryClient(org)!
        do {
            return Array(try await client.evaluate(client.proposal(invocation(call, channel: channel, name: name)),
                                                   on: network.endpoint(node), timeout: network.queryTimeout).payload)
        } catch {
            throw NetworkError.classify(error, peer: node.address, org: org)
        }
    }

    /// Endorsed by a discovery plan's peers when discovery answers, else by one peer of each
    /// configured org that runs the chaincode.
    public func submit(_ call: Call, channel: String, name: String) async throws -> (result: [UInt8], status: CommitStatus) {
        if let done = try await submitDiscovered(call, channel: channel, name: name) { return done }
        let orgs = try await runningOrgs(channel: channel, name: name)
        let peers = orgs.compactMap { network.organization($0)?.peers.first }.map(network.endpoint)
        let client = network.queryClient(orgs[0])!
        do {
            return try await client.submitTransaction(invocation(call, channel: channel, name: name), endorsingPeers: peers,
                                                      orderer: network.orderer(), commitPeer: peers[0])
        } catch {
            // The failing peer (and so its org) is named from the error's details, not orgs[0].
            throw NetworkError.classify(error)
        }
    }

    /// `wait:false`: runs the submit as a background operation.
    public func submitInBackground(_ call: Call, channel: String, name: String, by actor: String) async throws -> GatewayOperation {
        // Refuse before accepting: an uncommitted chaincode is a 404 now, not a failed operation later.
        _ = try await runningOrgs(channel: channel, name: name)
        let input = DefinitionOperationInput(channel: channel, name: name, sequence: 0, mspId: nil, packageId: nil)
        var op = GatewayOperation(kind: .submit, createdBy: actor, target: "\(channel)/\(name)",
                           input: String(decoding: try JSONEncoder().encode(input), as: UTF8.self),
                           steps: [GatewayOperation.Step(name: "submit", target: call.function, state: .queued, message: "waiting")])
        op = try await operations.save(op)
        guard background.start("submit \(op.id)", { [op] in await runSubmit(op, call, channel: channel, name: name) }) else {
            throw await operations.notStarted(op)
        }
        return op
    }

    /// The background half of `submitInBackground`: submits and records the outcome in `op`.
    func runSubmit(_ op: GatewayOperation, _ call: Call, channel: String, name: String) async {
        var op = op
        op.state = .running
        op.steps[0].state = .running
        op = await operations.record(op)
        do {
            let (result, status) = try await submit(call, channel: channel, name: name)
            op.steps[0].state = .succeeded
            op.steps[0].message = "committed in block \(status.blockNumber)"
            op.result = Self.submitJSON(result, status).jsonText
        } catch {
            let e = NetworkError.classify(error)
            op.steps[0].state = .failed
            op.steps[0].message = e.message
            op.steps[0].detail = e.fabricMessage
        }
        op.settle()
        _ = await operations.record(op)
    }

    public static func resultJSON(_ bytes: [UInt8]) -> [(String, JSONValue)] {
        var f: [(String, JSONValue)] = [("result", .string(String(decoding: bytes, as: UTF8.self))),
                                        ("resultBase64", .string(Data(bytes).base64EncodedString()))]
        if !bytes.isEmpty, JSONParser.isValid(bytes) {
            f.append(("json", .raw(bytes)))
        }
        return f
    }

    public static func submitJSON(_ result: [UInt8], _ s: CommitStatus) -> JSONValue {
        .object([("txId", .string(s.transactionID)), ("blockNumber", .int(Int(s.blockNumber))),
                 ("validationCode", .string(s.validationCode.name))] + resultJSON(result))
    }
}
