import Testing
@testable import WebServer

// Replaced by real tests as the module grows.
@Test("module WebServer links") func webserverLinks() { #expect(Bool(true)) }
