import Testing
@testable import ChaincodePackages

// Replaced by real tests as the module grows.
@Test("module ChaincodePackages links") func chaincodepackagesLinks() { #expect(Bool(true)) }
