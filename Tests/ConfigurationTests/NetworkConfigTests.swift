import Configuration
import Foundation
import Testing

@Suite("network configuration", .timeLimit(.minutes(2)))
struct NetworkConfigTests {
    @Test("a file without network: gives nil")
    func noNetwork() throws {
        #expect(try NetworkConfig.parse(yaml: "server:\n  listen: 127.0.0.1:1\n", file: "g.yaml") == nil)
    }

    @Test("errors name the file, the key and the problem")
    func errors() throws {
        func problem(_ yaml: String) -> String {
            do { _ = try NetworkConfig.parse(yaml: yaml, file: "/etc/g.yaml"); return "no error" } catch { return "\(error)" }
        }
        #expect(problem("network: {}") == "config file '/etc/g.yaml': key 'network.organizations': is required")
        #expect(problem("network:\n  organizations:\n  - name: x\n") == "config file '/etc/g.yaml': key 'network.organizations[0].mspId': is required")
        #expect(problem("network:\n  organizations:\n  - mspId: A\n    peers:\n    - name: p\n      address: nohost\n")
            == "config file '/etc/g.yaml': key 'network.organizations[0].peers[0].address': 'nohost' is not host:port")
        #expect(problem("network:\n  organizations:\n  - mspId: A\n    adminIdentity:\n      mspDir: /nonexistent/msp\n")
            == "config file '/etc/g.yaml': key 'network.organizations[0].adminIdentity.mspDir': '/nonexistent/msp' does not exist")
        #expect(problem("network:\n  organizations:\n  - mspId: A\n    adminIdentity: {certFile: /etc/hostname}\n")
            == "config file '/etc/g.yaml': key 'network.organizations[0].adminIdentity': needs 'mspDir', or 'certFile' with 'keyFile' or 'pkcs11'")
        #expect(problem("network: [1") .hasPrefix("config file '/etc/g.yaml': not valid YAML"))
    }

    @Test("plaintext nodes, orderers and channels parse")
    func parses() throws {
        let c = try #require(try NetworkConfig.parse(yaml: """
            network:
              organizations:
                - mspId: Org1MSP
                  peers:
                    - {name: p0, address: "127.0.0.1:7051", tls: {enabled: false}}
              orderers:
                - {name: o, mspId: OrdererMSP, address: "127.0.0.1:7050"}
              channels:
                - name: mychannel
            """, file: "g.yaml"))
        #expect(c.organizations[0].name == "Org1MSP" && c.peers[0].tls == nil && c.peers[0].mspID == "Org1MSP")
        #expect(c.orderers[0].address == "127.0.0.1:7050" && c.channels == ["mychannel"])
    }
}
