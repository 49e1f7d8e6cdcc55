"""fabric-sim: a simulated Hyperledger Fabric v2.5 network speaking real gRPC."""
