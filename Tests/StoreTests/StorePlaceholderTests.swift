import Testing
@testable import Store

// Replaced by real tests as the module grows.
@Test("module Store links") func storeLinks() { #expect(Bool(true)) }
