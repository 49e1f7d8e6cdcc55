// chaincode-gateway executable: configuration, wiring, signals. No logic lives here.
print("chaincode-gateway: not yet wired")
