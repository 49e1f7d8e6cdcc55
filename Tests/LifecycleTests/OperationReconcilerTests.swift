@testable import ChaincodeLifecycle
import Fabric
import Testing

@Suite("operation reconciler")
struct OperationReconcilerTests {
    @Test("an operation whose recorded input does not decode settles as failed, saying why, never as succeeded")
    func undecodableInput() {
        var op = GatewayOperation(kind: .approve, createdBy: "admin", target: "ch/cc", input: "",
                                  steps: [.init(name: "approve", target: "Org1MSP", state: .running, message: "approving")])
        #expect(OperationReconciler.input(DefinitionOperationInput.self, of: &op) == nil)
        op.settle()
        #expect(op.state == .failed)
        #expect(op.steps[0].message.hasPrefix("interrupted after a gateway restart; outcome unknown, its recorded input does not decode"))
    }
}

extension OperationReconcilerTests {
    @Test("an approval's fingerprint tells this definition from another at the same sequence, as `differences` does")
    func approvalFingerprint() {
        let base = ChaincodeDefinition(name: "cc", version: "1.0", sequence: 2)
        var other = base
        other.version = "1.1"
        var defaults = base
        (defaults.endorsementPlugin, defaults.validationPlugin) = ("escc", "vscc")
        #expect(ApprovalStatus.fingerprint(base) != ApprovalStatus.fingerprint(other))
        #expect(ApprovalStatus.differences(base, other).isEmpty == false)
        // The peer's defaults spelled out are the same definition.
        #expect(ApprovalStatus.fingerprint(base) == ApprovalStatus.fingerprint(defaults))
        #expect(ApprovalStatus.differences(base, defaults).isEmpty)
    }
}
