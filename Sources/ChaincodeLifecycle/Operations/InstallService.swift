import ChaincodePackages
import Configuration
import EventLoop
import Fabric
import FabricAccess
import Foundation

/// `POST /installs`: installs a stored package on peers as one operation with a step per peer.
/// "Already installed" is success; an unreachable peer fails only its own step.
public struct InstallService: Sendable {
    let network: FabricNetwork
    let packages: PackageStore
    let operations: OperationService
    let background: BackgroundTasks

    struct Input: Codable {
        var packageId: String
        var peers: [String]
    }

    /// Validates, records the queued operation and starts it in the background.
    public func start(packageID: String, peers: [NetworkConfig.Node], createdBy: String) async throws -> GatewayOperation {
        guard let details = try await packages.details(packageID: packageID) else {
            throw LifecycleError.notFound("package", "no package with ID '\(packageID)'")
        }
        let bytes: [UInt8]
        let path = packages.path(of: details.record)
        // Read on the global pool: this handler's own executor is its connection's event loop.
        let read = Task(executorPreference: globalConcurrentExecutor) { Array(try Data(contentsOf: URL(fileURLWithPath: path))) }
        do { bytes = try await read.value } catch {
            throw LifecycleError(.storage, "stored file for '\(packageID)' is unreadable")
        }
        let input = String(decoding: try JSONEncoder().encode(Input(packageId: packageID, peers: peers.map(\.name))), as: UTF8.self)
        let steps = peers.map { GatewayOperation.Step(name: "install", target: $0.name, state: .queued, message: "waiting") }
        let op = try await operations.save(GatewayOperation(kind: .install, createdBy: createdBy, target: packageID, input: input, steps: steps))
        guard background.start("install \(op.id)", { await run(op, package: bytes, peers: peers) }) else {
            throw await operations.notStarted(op)
        }
        return op
    }

    func run(_ op: GatewayOperation, package: [UInt8], peers: [NetworkConfig.Node]) async {
        var op = op
        op.state = .running
        for i in op.steps.indices { op.steps[i].state = .running; op.steps[i].message = "installing" }
        op = await operations.record(op)
        await withTaskGroup(of: Indexed<GatewayOperation.Step>.self) { group in
            for (i, node) in peers.enumerated() {
                let step = op.steps[i]
                group.addTask { Indexed(index: i, value: await install(package, on: node, step: step)) }
            }
            for await done in group {
                op.steps[done.index] = done.value
                op = await operations.record(op)
            }
        }
        op.settle()
        if op.state == .succeeded { op.result = #"{"packageId":"\#(op.target)"}"# }
        _ = await operations.record(op)
    }

    func install(_ package: [UInt8], on node: NetworkConfig.Node, step: GatewayOperation.Step) async -> GatewayOperation.Step {
        var step = step
        guard let admin = network.adminClient(node.mspID) else {
            step.state = .failed
            step.message = "no admin identity configured for \(node.mspID)"
            return step
        }
        do {
            let result = try await admin.evaluate(Lifecycle.installChaincode(package: package), on: network.endpoint(node),
                                                  timeout: network.installTimeout)
            step.state = .succeeded
            step.message = "installed \(result.packageID)"
        } catch {
            let e = NetworkError.classify(error, peer: node.address, org: node.mspID)
            if e.fabricMessage?.contains("chaincode already successfully installed") == true {
                step.state = .succeeded
                step.message = "already installed"
            } else {
                step.state = .failed
                step.message = e.message
                step.detail = e.fabricMessage
            }
        }
        return step
    }
}
