import Testing
@testable import AdminAPI

// Replaced by real tests as the module grows.
@Test("module AdminAPI links") func adminapiLinks() { #expect(Bool(true)) }
