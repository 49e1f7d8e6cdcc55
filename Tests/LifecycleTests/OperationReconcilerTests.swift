@testable import ChaincodeLifecycle
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
