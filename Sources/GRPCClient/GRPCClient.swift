// Module GRPCClient. See docs/architecture.md for the layering.
