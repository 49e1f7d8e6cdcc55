import Testing
@testable import Fabric

// Replaced by real tests as the module grows.
@Test("module Fabric links") func fabricLinks() { #expect(Bool(true)) }
