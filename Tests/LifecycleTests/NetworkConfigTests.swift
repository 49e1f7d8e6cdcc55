import Foundation
import Testing
@testable import AdminAPI

@Suite("network configuration")
struct NetworkConfigTests {
    @Test("a file without network: gives nil")
    func noNetwork() throws {
        #expect(try NetworkConfig.parse(yaml: "server:\n  listen: 127.0.0.1:1\n", file: "g.yaml") == nil)
    }
}
