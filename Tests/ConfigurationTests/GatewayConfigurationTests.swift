import Configuration
import Testing

/// The `server:` section and its precedence: defaults < file < environment < flags.
@Suite("gateway configuration")
struct GatewayConfigurationTests {
    func problem(_ body: () throws -> Void) -> String {
        do { try body(); return "no error" } catch { return "\(error)" }
    }

    @Test("the server section overrides the defaults; the network section is optional")
    func serverSection() throws {
        let c = try GatewayConfiguration.parse(yaml: """
            server:
              listen: 0.0.0.0:8080
              dataDir: /var/lib/gateway
              threads: "4"
              accessLog: no
            """, file: "g.yaml")
        #expect(c.server.listen == "0.0.0.0:8080" && c.server.dataDir == "/var/lib/gateway")
        #expect(c.server.threads == 4 && !c.server.accessLog && c.server.publicDir == nil)
        #expect(c.network == nil)
        #expect(try GatewayConfiguration.parse(yaml: "{}", file: "g.yaml") == GatewayConfiguration())
    }

    @Test("environment variables override the file and flags override both")
    func precedence() throws {
        var s = try GatewayConfiguration.parse(yaml: "server: {listen: '127.0.0.1:1', threads: 2, dataDir: /file}\n", file: "g.yaml").server
        try s.apply(environment: ["GATEWAY_LISTEN": "127.0.0.1:2", "GATEWAY_DATA_DIR": "/env"])
        #expect(s.listen == "127.0.0.1:2" && s.dataDir == "/env" && s.threads == 2)
        try s.set("listen", to: "127.0.0.1:3", from: .flag("--listen"))
        #expect(s.listen == "127.0.0.1:3")
    }

    @Test("the minimum body rate and the header and idle timeouts: file < environment < flags, validated")
    func slowClientLimits() throws {
        var s = try GatewayConfiguration.parse(yaml: "server: {minBodyBytes: 2048, minBodyRateWindow: 5, headerTimeout: 7}\n",
                                               file: "g.yaml").server
        #expect(s.minBodyBytes == 2048 && s.minBodyRateWindow == 5 && s.headerTimeout == 7 && s.idleTimeout == 60)
        try s.apply(environment: ["GATEWAY_MIN_BODY_BYTES": "0", "GATEWAY_IDLE_TIMEOUT": "30"])
        #expect(s.minBodyBytes == 0 && s.idleTimeout == 30)
        try s.set("minBodyRateWindow", to: "20", from: .flag("--min-body-rate-window"))
        #expect(s.minBodyRateWindow == 20)
        #expect(ServerSettings().minBodyBytes == 1024 && ServerSettings().minBodyRateWindow == 10)
        #expect(problem { try s.set("minBodyRateWindow", to: "0", from: .flag("--min-body-rate-window")) }
            == "--min-body-rate-window: minBodyRateWindow must be 1...3600 seconds")
        #expect(problem { try s.apply(environment: ["GATEWAY_MIN_BODY_BYTES": "-1"]) }
            == "environment variable GATEWAY_MIN_BODY_BYTES: minBodyBytes must be 0...1073741824 bytes")
    }

    @Test("errors name the file or variable or flag, the key and the problem")
    func errors() {
        #expect(problem { _ = try GatewayConfiguration.parse(yaml: "server: {threads: 0}\n", file: "/etc/g.yaml") }
            == "config file '/etc/g.yaml': key 'server.threads': threads must be 1...256")
        #expect(problem { _ = try GatewayConfiguration.parse(yaml: "server: {listen: nohost}\n", file: "/etc/g.yaml") }
            == "config file '/etc/g.yaml': key 'server.listen': 'nohost' is not host:port")
        #expect(problem { _ = try GatewayConfiguration.parse(yaml: "server: {colour: blue}\n", file: "/etc/g.yaml") }
            == "config file '/etc/g.yaml': key 'server.colour': unknown setting")
        #expect(problem { _ = try GatewayConfiguration.parse(yaml: "server: [1]\n", file: "/etc/g.yaml") }
            == "config file '/etc/g.yaml': key 'server': must be a mapping")
        #expect(problem { _ = try GatewayConfiguration.parse(yaml: "- 1\n", file: "/etc/g.yaml") }
            == "config file '/etc/g.yaml': the top level must be a mapping")
        #expect(problem { _ = try GatewayConfiguration.load(path: "/nonexistent/g.yaml") }
            .hasPrefix("config file '/nonexistent/g.yaml': cannot read the file"))
        var s = ServerSettings()
        #expect(problem { try s.apply(environment: ["GATEWAY_THREADS": "many"]) }
            == "environment variable GATEWAY_THREADS: threads must be 1...256")
        #expect(problem { try s.set("listen", to: "x", from: .flag("--listen")) } == "--listen: 'x' is not host:port")
    }

    @Test("anchors and merge keys apply as Yams applies them: the mapping's own keys win")
    func mergeKeys() throws {
        let c = try GatewayConfiguration.parse(yaml: """
            defaults: &defaults {listen: '127.0.0.1:9', threads: 3}
            server:
              <<: *defaults
              threads: 5
            """, file: "g.yaml")
        #expect(c.server.listen == "127.0.0.1:9" && c.server.threads == 5)
    }
}
