@testable import Configuration
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

@Suite("network.addressRewrites", .timeLimit(.minutes(2)))
struct AddressRewritesConfigTests {
    static let organizations = "network:\n  organizations:\n  - mspId: A\n"

    @Test("host and host:port rewrites parse; absent or null is empty")
    func parses() throws {
        let c = try #require(try NetworkConfig.parse(yaml: Self.organizations + """
              addressRewrites:
                peer0.org1.example.com: localhost
                "peer0.org2.example.com:9051": "127.0.0.1:19051"
                orderer.example.com: "[::1]"
            """, file: "g.yaml"))
        #expect(c.addressRewrites == ["peer0.org1.example.com": "localhost", "peer0.org2.example.com:9051": "127.0.0.1:19051",
                                      "orderer.example.com": "[::1]"])
        #expect(try NetworkConfig.parse(yaml: Self.organizations, file: "g.yaml")?.addressRewrites == [:])
        #expect(try NetworkConfig.parse(yaml: Self.organizations + "  addressRewrites:\n", file: "g.yaml")?.addressRewrites == [:])
    }

    @Test("bad rewrites name the entry and the problem")
    func errors() {
        func problem(_ rewrites: String) -> String {
            do { _ = try NetworkConfig.parse(yaml: Self.organizations + "  addressRewrites:" + rewrites, file: "/g.yaml"); return "no error" } catch {
                return "\(error)"
            }
        }
        #expect(problem(" [a]\n") == "config file '/g.yaml': key 'network.addressRewrites': must be a mapping")
        #expect(problem("\n    a.example: \"\"\n") == "config file '/g.yaml': key 'network.addressRewrites.a.example': is required")
        #expect(problem("\n    \"a:70x\": b\n") == "config file '/g.yaml': key 'network.addressRewrites.a:70x': 'a:70x' has no valid port")
        #expect(problem("\n    a: \"b:0\"\n") == "config file '/g.yaml': key 'network.addressRewrites.a': 'b:0' has no valid port")
        #expect(problem("\n    \"a:7051\": b\n")
            == "config file '/g.yaml': key 'network.addressRewrites.a:7051': 'a:7051' names a port, so the rewrite must be host:port too, not 'b'")
        #expect(problem("\n    a: \"http://b\"\n") == "config file '/g.yaml': key 'network.addressRewrites.a': 'http://b' is not a host or host:port address")
    }

    @Test("a connection profile's network keeps the gateway's rewrites")
    func merged() throws {
        var gateway = NetworkConfig(organizations: [], orderers: [], channels: [])
        gateway.addressRewrites = ["peer0.org1.example.com": "127.0.0.1"]
        let profile = NetworkConfig(organizations: [], orderers: [], channels: [], addressRewrites: ["x": "y"])
        #expect(profile.merged(with: gateway).addressRewrites == ["peer0.org1.example.com": "127.0.0.1", "x": "y"])
    }
}
