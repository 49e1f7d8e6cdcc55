import Testing
@testable import Archive

// Replaced by real tests as the module grows.
@Test("module Archive links") func archiveLinks() { #expect(Bool(true)) }
