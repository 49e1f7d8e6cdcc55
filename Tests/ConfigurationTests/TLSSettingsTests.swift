import Configuration
import Testing

/// `server.tls` and `server.operationsListen`: the file, the environment and flags, validated.
@Suite("server.tls settings")
struct TLSSettingsTests {
    func problem(_ body: () throws -> Void) -> String {
        do { try body(); return "no error" } catch { return "\(error)" }
    }

    @Test("server.tls from the file, overridden by GATEWAY_TLS_* and flags")
    func precedence() throws {
        var s = try GatewayConfiguration.parse(yaml: """
            server:
              tls:
                certFile: /f/cert.pem
                keyFile: /f/key.pem
                clientCAFile: /f/ca.pem
                clientAuth: optional
              operationsListen: 127.0.0.1:9443
            """, file: "g.yaml").server
        #expect(s.tls?.certFile == "/f/cert.pem" && s.tls?.clientAuth == "optional" && s.tls?.minVersion == "TLS1.2")
        #expect(s.operationsListen == "127.0.0.1:9443")
        try s.apply(environment: ["GATEWAY_TLS_CLIENT_AUTH": "required", "GATEWAY_TLS_MIN_VERSION": "TLS1.3"])
        #expect(s.tls?.clientAuth == "required" && s.tls?.minVersion == "TLS1.3" && s.tls?.keyFile == "/f/key.pem")
        try s.set("tls.certFile", to: "/flag/cert.pem", from: .flag("--tls-cert-file"))
        #expect(s.tls?.certFile == "/flag/cert.pem")
        try s.validate()
        #expect(try GatewayConfiguration.parse(yaml: "server: {listen: '127.0.0.1:1'}\n", file: "g.yaml").server.tls == nil,
                "no tls section: plain HTTP")
    }

    @Test("invalid values and combinations are refused, naming where they came from")
    func errors() throws {
        #expect(problem { _ = try GatewayConfiguration.parse(yaml: "server: {tls: {clientAuth: maybe}}\n", file: "/g.yaml") }
            == "config file '/g.yaml': key 'server.tls.clientAuth': clientAuth must be one of none, optional, required")
        #expect(problem { _ = try GatewayConfiguration.parse(yaml: "server: {tls: {certfile: x}}\n", file: "/g.yaml") }
            == "config file '/g.yaml': key 'server.tls.certfile': unknown setting")
        #expect(problem { _ = try GatewayConfiguration.parse(yaml: "server: {tls: yes}\n", file: "/g.yaml") }
            .contains("server.tls"))
        var s = ServerSettings()
        #expect(problem { try s.apply(environment: ["GATEWAY_TLS_MIN_VERSION": "TLS1.1"]) }
            == "environment variable GATEWAY_TLS_MIN_VERSION: minVersion must be TLS1.2 or TLS1.3")
        try s.set("tls.certFile", to: "/c.pem", from: .flag("--tls-cert-file"))
        #expect(problem { try s.validate() } == "server settings: key 'server.tls': TLS needs both certFile and keyFile")
        try s.set("tls.keyFile", to: "/k.pem", from: .flag("--tls-key-file"))
        try s.set("tls.clientAuth", to: "required", from: .flag("--tls-client-auth"))
        #expect(problem { try s.validate() } == "server settings: key 'server.tls': clientAuth 'required' needs clientCAFile")
        try s.set("tls.clientCAFile", to: "/ca.pem", from: .flag("--tls-client-ca-file"))
        try s.validate()
        try s.set("operationsListen", to: "0.0.0.0:9443", from: .flag("--operations-listen"))
        #expect(problem { try s.validate() }.hasPrefix("server settings: key 'server.operationsListen': '0.0.0.0:9443' is not a loopback address"))
        try s.set("operationsListenAnyAddress", to: "true", from: .flag("-"))
        try s.validate()
    }
}
