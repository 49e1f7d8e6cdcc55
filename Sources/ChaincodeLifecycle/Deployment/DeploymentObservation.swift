import ChaincodePackages
import EventLoop
import Configuration
import Fabric
import FabricAccess
import Foundation
import JSON

/// What the network holds for a deployment spec (`GET .../deployment`, and the PUT's
/// up-to-date check): per peer whether its org's package is installed, the committed definition,
/// per organization whether it approved the definition the spec means (approved, different,
/// missing), and the differences between the spec and all that.
public struct DeploymentObservation: Sendable {
    struct Peer: Sendable {
        var node: NetworkConfig.Node
        var packageID: String
        /// nil: the peer could not be asked (`error`).
        var installed: Bool?
        var error: String?
    }

    struct Org: Sendable {
        var mspID: String
        /// approved | different | missing | unknown (the gateway holds no admin identity to ask with)
        var state: String
        var packageID: String?
        var differences: [ApprovalStatus.Difference] = []
    }

    /// Whether the committed version is initialized, asked when the spec has an init call and
    /// the committed definition is the spec's (otherwise the deployment commits a new one and
    /// calls init after it).
    struct Initialization: Sendable {
        var function: String
        var version: String
        /// nil: the peer could not tell (`error`).
        var initialized: Bool?
        var error: String?
    }

    var peers: [Peer]
    var committed: ChaincodeDefinition?
    /// The definition the spec means, at the sequence it would take (committed, or committed + 1).
    var desired: ChaincodeDefinition
    var definitionDifferences: [ApprovalStatus.Difference]
    var orgs: [Org]
    var initialization: Initialization?

    /// Nothing to install, approve, commit or initialize.
    public var upToDate: Bool {
        committed != nil && definitionDifferences.isEmpty && peers.allSatisfy { $0.installed == true }
            && orgs.allSatisfy { $0.state == "approved" } && initialization.map { $0.initialized == true } ?? true
    }

    var diff: [JSONValue] {
        var out: [JSONValue] = definitionDifferences.map {
            .object([("kind", .string("definition")), ("field", .string($0.field)), ("spec", .string($0.expected)),
                     ("committed", .string($0.actual))])
        }
        if committed == nil { out.append(.object([("kind", .string("definition")), ("field", .string("sequence")),
                                                  ("spec", .int(1)), ("committed", .null)])) }
        for p in peers where p.installed != true {
            out.append(.object([("kind", .string("install")), ("peer", .string(p.node.name)), ("mspId", .string(p.node.mspID)),
                                ("packageId", .string(p.packageID)), ("installed", p.installed.map(JSONValue.bool) ?? .null)]))
        }
        for o in orgs where o.state != "approved" {
            out.append(.object([("kind", .string("approve")), ("mspId", .string(o.mspID)), ("state", .string(o.state)),
                                ("sequence", .int(Int(desired.sequence)))]))
        }
        if let i = initialization, i.initialized != true {
            var f: [(String, JSONValue)] = [("kind", .string("init")), ("function", .string(i.function)), ("version", .string(i.version)),
                                            ("initialized", i.initialized.map(JSONValue.bool) ?? .null)]
            if let e = i.error { f.append(("error", .string(e))) }
            out.append(.object(f))
        }
        return out
    }

    public var json: JSONValue {
        .object([
            ("observed", .object([
                ("peers", .array(peers.map { p in
                    var f: [(String, JSONValue)] = [("peer", .string(p.node.name)), ("mspId", .string(p.node.mspID)),
                                                    ("packageId", .string(p.packageID)), ("installed", p.installed.map(JSONValue.bool) ?? .null)]
                    if let e = p.error { f.append(("error", .string(e))) }
                    return .object(f)
                })),
                ("orgs", .array(orgs.map { o in
                    var f: [(String, JSONValue)] = [("mspId", .string(o.mspID)), ("state", .string(o.state)),
                                                    ("sequence", .int(Int(desired.sequence)))]
                    if let id = o.packageID { f.append(("packageId", .string(id))) }
                    if !o.differences.isEmpty {
                        f.append(("differences", .array(o.differences.map {
                            .object([("field", .string($0.field)), ("expected", .string($0.expected)), ("actual", .string($0.actual))])
                        })))
                    }
                    return .object(f)
                })),
                ("committedSequence", committed.map { .int(Int($0.sequence)) } ?? .null),
                ("committed", committed.map { DefinitionJSON.definition($0, approvals: [:]) } ?? .null),
            ])),
            ("sequence", .int(Int(desired.sequence))),
            ("diff", .array(diff)),
            ("upToDate", .bool(upToDate)),
        ])
    }
}

/// The spec resolved against the gateway's configuration: the organizations acting, their peers,
/// and each organization's package (built for ccaas; the bytes kept for installing).
struct DeploymentPlan: Sendable {
    struct Package: Sendable {
        var packageID: String
        /// Built here (ccaas); nil for a `packageId` source (read from the store when installing).
        var built: [UInt8]?
    }

    var orgs: [String]
    var peers: [NetworkConfig.Node]
    var packages: [String: Package]

    /// `actingOrgs`: the organizations the caller may act for and the gateway holds an admin identity of.
    init(spec: DeploymentSpec, network: FabricNetwork, actingOrgs: [String]) throws {
        let orgs = spec.orgs ?? actingOrgs
        self.orgs = orgs
        guard !orgs.isEmpty else {
            throw LifecycleError(.forbidden, "no organization to deploy for: the caller may act for none whose admin identity this gateway holds")
        }
        for org in orgs where !actingOrgs.contains(org) {
            guard network.organization(org) != nil else { throw LifecycleError.invalid("orgs", "names an unknown organization '\(org)'") }
            throw LifecycleError.invalid("orgs", "names \(org), whose admin identity this gateway does not hold or the caller may not act for")
        }
        let all = orgs.flatMap { network.organization($0)?.peers ?? [] }
        if let names = spec.peers {
            peers = try names.map { name in
                guard let node = all.first(where: { $0.name == name }) else {
                    throw LifecycleError.invalid("peers", "names '\(name)', not a peer of \(orgs.joined(separator: ", "))")
                }
                return node
            }
        } else {
            peers = all
        }
        var packages: [String: Package] = [:]
        for org in orgs {
            guard let source = spec.package(for: org) else { throw LifecycleError.invalid("package", "names no package for \(org)") }
            switch source {
            case .packageID(let id): packages[org] = Package(packageID: id, built: nil)
            case .ccaas(let c):
                let input = CCaaSPackageBuilder.Input(label: c.label, address: c.address.replacingOccurrences(of: "{org}", with: DeploymentSpec.orgToken(org)),
                                                      dialTimeout: c.dialTimeout, tlsRequired: c.tlsRequired,
                                                      clientAuthRequired: c.clientAuthRequired, rootCert: c.rootCert,
                                                      clientCert: c.clientCert, clientKey: c.clientKey)
                do {
                    let out = try CCaaSPackageBuilder().build(input)
                    packages[org] = Package(packageID: out.packageID, built: out.bytes)
                } catch {
                    throw LifecycleError.invalid("package.ccaas", "cannot build the package for \(org): \(error)")
                }
            }
        }
        self.packages = packages
    }
}

extension DeploymentService {
    /// The definition the spec means on top of `committed`: fields the spec leaves out carry over
    /// (as a draft does), at the committed sequence when nothing differs, else committed + 1.
    func desiredDefinition(_ spec: DeploymentSpec, name: String, committed: ChaincodeDefinition?) throws
        -> (definition: ChaincodeDefinition, differences: [ApprovalStatus.Difference]) {
        var d = ChaincodeDefinition(name: name, version: spec.version, sequence: committed?.sequence ?? 1,
                                    endorsementPlugin: committed?.endorsementPlugin ?? "", validationPlugin: committed?.validationPlugin ?? "",
                                    validationParameter: committed?.validationParameter ?? [], collections: committed?.collections,
                                    initRequired: spec.initRequired)
        if let text = spec.endorsementPolicy {
            do {
                let policy = text.hasPrefix("/") ? EndorsementPolicy.channelConfigPolicy(text) : try EndorsementPolicy.signaturePolicy(dsl: text)
                d.validationParameter = policy.applicationPolicyBytes
            } catch {
                throw LifecycleError.invalid("endorsementPolicy", "is not a valid policy: \(error.message)")
            }
        }
        if let c = spec.collections {
            do { d.collections = try CollectionsConfig.parse(json: Array(c.utf8)) } catch {
                throw LifecycleError.invalid("collections", "is not a valid collections configuration: \(error)")
            }
        }
        guard let committed else { return (d, []) }
        let differences = ApprovalStatus.differences(d, committed)
        if !differences.isEmpty { d.sequence = committed.sequence + 1 }
        return (d, differences)
    }

    /// Asks the peers and the chain what the spec's plan finds.
    func observe(_ spec: DeploymentSpec, plan: DeploymentPlan, channel: String, name: String) async throws -> DeploymentObservation {
        let committed = try await definitions.committed(channel: channel, name: name)
        var (desired, differences) = try desiredDefinition(spec, name: name, committed: committed?.definition)
        let peers = await installedState(plan)
        var orgs = await approvals(of: desired, plan: plan, channel: channel)
        // The definition is committed as the spec says, but an org runs another package: a new sequence.
        if committed != nil, differences.isEmpty, orgs.contains(where: { $0.state == "different" }) {
            desired.sequence += 1
            differences.append(ApprovalStatus.Difference(field: "packageId", expected: "as in the spec", actual: "another package approved"))
            orgs = await approvals(of: desired, plan: plan, channel: channel)
        }
        var initialization: DeploymentObservation.Initialization?
        if let call = spec.initCall, let c = committed?.definition, differences.isEmpty, c.initRequired {
            initialization = await self.initialization(call, version: c.version, channel: channel, name: name)
        }
        return DeploymentObservation(peers: peers, committed: committed?.definition, desired: desired,
                                     definitionDifferences: differences, orgs: orgs, initialization: initialization)
    }

    /// Whether `version` is initialized, asked of a peer with the spec's init call as an init
    /// proposal that is evaluated, never submitted: Fabric refuses it once the version is
    /// initialized (DeploymentRunner.alreadyInitialized), and otherwise simulates it. A chaincode
    /// committed elsewhere, or whose init failed earlier (its service not yet running), is
    /// found uninitialized, and a deployment of the same spec then calls init.
    func initialization(_ call: DeploymentSpec.Init, version: String, channel: String, name: String) async
        -> DeploymentObservation.Initialization {
        var state = DeploymentObservation.Initialization(function: call.function, version: version)
        let probe = InvokeService.Call(function: call.function, arguments: call.args.map { Array($0.utf8) }, transient: [:], isInit: true)
        do {
            _ = try await invocations().evaluate(probe, channel: channel, name: name)
            state.initialized = false
        } catch where DeploymentRunner.alreadyInitialized(error) {
            state.initialized = true
        } catch {
            state.error = "\(error)"
        }
        return state
    }

    /// QueryInstalledChaincode of each org's package on each planned peer, concurrently.
    func installedState(_ plan: DeploymentPlan) async -> [DeploymentObservation.Peer] {
        await withTaskGroup(of: Indexed<DeploymentObservation.Peer>.self) { group in
            for (i, node) in plan.peers.enumerated() {
                let packageID = plan.packages[node.mspID]?.packageID ?? ""
                group.addTask {
                    var peer = DeploymentObservation.Peer(node: node, packageID: packageID)
                    guard let admin = network.adminClient(node.mspID) else {
                        peer.error = "no admin identity configured for \(node.mspID)"
                        return Indexed(index: i, value: peer)
                    }
                    do {
                        _ = try await admin.evaluate(Lifecycle.queryInstalledChaincode(packageID: packageID), on: network.endpoint(node),
                                                     timeout: network.queryTimeout)
                        peer.installed = true
                    } catch {
                        let e = NetworkError.classify(error, peer: node.address, org: node.mspID)
                        if e.isTransportFailure { peer.error = e.message } else { peer.installed = false }
                    }
                    return Indexed(index: i, value: peer)
                }
            }
            var out = [DeploymentObservation.Peer?](repeating: nil, count: plan.peers.count)
            for await done in group { out[done.index] = done.value }
            return out.compactMap { $0 }
        }
    }

    /// Each planned org's own approval at the desired sequence (QueryApprovedChaincodeDefinition
    /// on its peer): approved when definition and package match, different, or missing.
    func approvals(of desired: ChaincodeDefinition, plan: DeploymentPlan, channel: String) async -> [DeploymentObservation.Org] {
        let found = await definitions.approvedDefinitions(channel: channel, name: desired.name, sequence: desired.sequence, orgs: plan.orgs)
        return plan.orgs.map { org in
            guard let approved = found[org] else { return DeploymentObservation.Org(mspID: org, state: "missing") }
            var differences = ApprovalStatus.differences(desired, approved.definition)
            let wanted = plan.packages[org]?.packageID
            if approved.packageID != wanted {
                differences.append(ApprovalStatus.Difference(field: "packageId", expected: wanted ?? "none", actual: approved.packageID ?? "none"))
            }
            return DeploymentObservation.Org(mspID: org, state: differences.isEmpty ? "approved" : "different",
                                             packageID: approved.packageID, differences: differences)
        }
    }
}
