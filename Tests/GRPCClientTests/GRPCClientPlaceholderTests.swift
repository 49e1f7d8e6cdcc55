import Testing
@testable import GRPCClient

// Replaced by real tests as the module grows.
@Test("module GRPCClient links") func grpcclientLinks() { #expect(Bool(true)) }
