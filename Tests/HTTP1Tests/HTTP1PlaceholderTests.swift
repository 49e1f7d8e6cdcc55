import Testing
@testable import HTTP1

// Replaced by real tests as the module grows.
@Test("module HTTP1 links") func http1Links() { #expect(Bool(true)) }
