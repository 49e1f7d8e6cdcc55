import Foundation
import Testing
@testable import ChaincodePackages

@Suite("ChaincodeServerManifests", .timeLimit(.minutes(1)))
struct ChaincodeServerManifestsTests {
    static let packageID = "basic_1.0:" + String(repeating: "ab", count: 32)

    static func connection(_ address: String, tls: Bool = false, clientAuth: Bool = false) -> ConnectionInfo {
        ConnectionInfo(address: address, dialTimeout: "10s", tlsRequired: tls, clientAuthRequired: clientAuth,
                       rootCert: tls ? fakeCertificate : nil, clientCert: clientAuth ? fakeCertificate : nil, clientKeyPresent: clientAuth)
    }

    static func render(_ address: String, _ format: ChaincodeServerManifests.Format = .kubernetes, tls: Bool = false,
                       clientAuth: Bool = false, namespace: String? = nil, channel: String? = nil, chaincode: String? = nil) throws -> String {
        let input = ChaincodeServerManifests.Input(packageID: packageID, connection: connection(address, tls: tls, clientAuth: clientAuth),
                                                   image: "registry.example.com/basic-ccaas:1.0", namespace: namespace,
                                                   channel: channel, chaincode: chaincode)
        return try ChaincodeServerManifests(input).render(format)
    }

    @Test("kubernetes without TLS: the exact bytes (Deployment + Service named and numbered by connection.json)")
    func kubernetesGolden() throws {
        let text = try Self.render("basic-ccaas.fabric:9999", channel: "mychannel", chaincode: "basic")
        #expect(text == Self.golden, "\(text)")
        #expect(try Self.render("basic-ccaas.fabric:9999", channel: "mychannel", chaincode: "basic") == text, "same input, same bytes")
    }

    @Test("TLS adds the Secret, its volume and CHAINCODE_TLS_* files; client auth adds the client CA")
    func kubernetesTLS() throws {
        let text = try Self.render("cc.fabric.svc.cluster.local:7052", tls: true, clientAuth: true)
        #expect(text.contains("kind: Secret"))
        #expect(text.contains("type: kubernetes.io/tls"))
        #expect(text.contains("secretName: cc-tls"))
        for (name, value) in [("CHAINCODE_TLS_DISABLED", "false"), ("CHAINCODE_TLS_KEY", "/etc/chaincode/tls/tls.key"),
                              ("CHAINCODE_TLS_CERT", "/etc/chaincode/tls/tls.crt"), ("CHAINCODE_CLIENT_CA_CERT", "/etc/chaincode/tls/ca.crt")] {
            #expect(text.contains("- name: \(name)\n          value: \"\(value)\""), "\(name)")
        }
        #expect(text.contains("namespace: fabric") && text.contains("port: 7052"))
        let serverOnly = try Self.render("cc:7052", tls: true)
        #expect(!serverOnly.contains("CHAINCODE_CLIENT_CA_CERT") && !serverOnly.contains("ca.crt"))
        #expect(serverOnly.contains("namespace: default"))
        #expect(serverOnly.contains("resolves only for peers running in namespace 'default'"))
        #expect(!(try Self.render("cc:7052")).contains("Secret"))
    }

    @Test("409 when the address is not a Service in that namespace, with the mismatch in the message")
    func mismatches() throws {
        func refusal(_ address: String, namespace: String? = nil, _ format: ChaincodeServerManifests.Format = .kubernetes) -> ManifestError? {
            do { _ = try Self.render(address, format, namespace: namespace); return nil } catch { return error as? ManifestError }
        }
        let other = refusal("basic.fabric:9999", namespace: "org1")
        #expect(other?.kind == .addressMismatch)
        #expect(other?.message == "connection.json address 'basic.fabric:9999' is Service 'basic' in namespace 'fabric', not in namespace 'org1': "
                + "the peer would dial a Service these manifests do not create")
        for address in ["basic.example.com:9999", "10.0.0.5:9999", "Basic:9999", "[::1]:9999", "basic_cc:9999", "basic.fabric.pod:9999"] {
            let error = refusal(address)
            #expect(error?.kind == .addressMismatch, "\(address)")
            #expect(error?.message.hasPrefix("connection.json address '\(address)' is not a Kubernetes Service name") == true, "\(address)")
        }
        let template = refusal("{{.peername}}_basic:9999")
        #expect(template?.kind == .addressMismatch && template?.message.contains("builder template") == true)
        #expect(refusal("{{.peername}}_basic:9999", .compose)?.kind == .addressMismatch)
        #expect(refusal("basic cc:9999", .compose) != nil)
        #expect(refusal("basic.fabric.svc:9999", namespace: "fabric") == nil)
        #expect(refusal("basic_cc:9999", .compose) == nil, "an underscore is fine for a compose service")
    }

    @Test("invalid parameters name the parameter")
    func parameters() throws {
        func parameter(image: String = "basic:1", namespace: String? = nil, network: String = "fabric-gateway",
                       channel: String? = nil, chaincode: String? = nil) -> String? {
            let input = ChaincodeServerManifests.Input(packageID: Self.packageID, connection: Self.connection("basic:9999"), image: image,
                                                       namespace: namespace, network: network, channel: channel, chaincode: chaincode)
            do { _ = try ChaincodeServerManifests(input); return nil } catch { return (error as? ManifestError)?.parameter }
        }
        #expect(parameter() == nil)
        #expect(parameter(image: "localhost:5000/team/basic-ccaas@sha256:" + String(repeating: "0", count: 64)) == nil)
        #expect(parameter(image: "") == "image" && parameter(image: "basic ccaas") == "image" && parameter(image: "basic\n:1") == "image")
        #expect(parameter(namespace: "Fabric") == "namespace" && parameter(namespace: "a-") == "namespace")
        #expect(parameter(namespace: String(repeating: "a", count: 64)) == "namespace")
        #expect(parameter(network: "bad network") == "network")
        #expect(parameter(channel: "MyChannel") == "channel" && parameter(channel: String(repeating: "c", count: 64)) == "channel")
        #expect(parameter(chaincode: "basic--cc") == "chaincode" && parameter(chaincode: "basic.cc") == "chaincode")
        #expect(parameter(channel: "my-channel.1", chaincode: "basic_cc-2") == nil)
    }

    @Test("compose: one service named like the host on the external network, same environment")
    func compose() throws {
        let text = try Self.render("basic-ccaas:9999", .compose, channel: "mychannel", chaincode: "basic")
        #expect(text.hasSuffix("""
            services:
              basic-ccaas:
                image: "registry.example.com/basic-ccaas:1.0"
                restart: unless-stopped
                environment:
                  CHAINCODE_ID: "\(Self.packageID)"
                  CHAINCODE_SERVER_ADDRESS: "0.0.0.0:9999"
                  CHAINCODE_TLS_DISABLED: "true"
                labels:
                  chaincode-gateway/channel: mychannel
                  chaincode-gateway/chaincode: basic
                  chaincode-gateway/package-id: "\(Self.packageID)"
                networks:
                - fabric-gateway
            networks:
              fabric-gateway:
                external: true

            """), "\(text)")
        let tls = try Self.render("basic-ccaas:9999", .compose, tls: true)
        #expect(tls.contains("- \"./basic-ccaas-tls:/etc/chaincode/tls:ro\"") && tls.contains("CHAINCODE_TLS_CERT: \"/etc/chaincode/tls/tls.crt\""))
    }

    @Test("YAML scalars are quoted so no value changes type or breaks the structure")
    func scalars() {
        #expect(YAMLNode.quoted("true") == "\"true\"")
        #expect(!YAMLNode.isPlainSafe("On") && !YAMLNode.isPlainSafe("0755") && !YAMLNode.isPlainSafe("a: b") && !YAMLNode.isPlainSafe("")
                && YAMLNode.isPlainSafe("kubernetes.io/tls"))
        #expect(YAMLNode.string("no").rendered() == "\"no\"\n" && YAMLNode.string("Deployment").rendered() == "Deployment\n")
        #expect(YAMLNode.quoted("a\"b\\c\nd\u{7}") == #""a\"b\\c\nd\u0007""#)
        #expect(YAMLNode.map([("a", .list([.map([("b", .int(1)), ("c", .list([]))])])), ("d", .map([]))]).rendered()
                == "a:\n- b: 1\n  c: []\nd: {}\n")
    }

    static let golden = """
        # Chaincode server for package \(packageID)
        # Peers dial basic-ccaas.fabric:9999 (connection.json): Service 'basic-ccaas', port 9999, namespace 'fabric'.
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: basic-ccaas
          namespace: fabric
          labels:
            app.kubernetes.io/name: basic-ccaas
            app.kubernetes.io/component: chaincode-server
            app.kubernetes.io/part-of: hyperledger-fabric
            chaincode-gateway/channel: mychannel
            chaincode-gateway/chaincode: basic
          annotations:
            chaincode-gateway/package-id: "\(packageID)"
        spec:
          replicas: 1
          selector:
            matchLabels:
              app.kubernetes.io/name: basic-ccaas
              app.kubernetes.io/component: chaincode-server
          template:
            metadata:
              labels:
                app.kubernetes.io/name: basic-ccaas
                app.kubernetes.io/component: chaincode-server
                app.kubernetes.io/part-of: hyperledger-fabric
                chaincode-gateway/channel: mychannel
                chaincode-gateway/chaincode: basic
            spec:
              containers:
              - name: chaincode
                image: "registry.example.com/basic-ccaas:1.0"
                imagePullPolicy: IfNotPresent
                env:
                - name: CHAINCODE_ID
                  value: "\(packageID)"
                - name: CHAINCODE_SERVER_ADDRESS
                  value: "0.0.0.0:9999"
                - name: CHAINCODE_TLS_DISABLED
                  value: "true"
                ports:
                - name: chaincode
                  containerPort: 9999
                  protocol: TCP
                readinessProbe:
                  tcpSocket:
                    port: chaincode
                  initialDelaySeconds: 2
                  periodSeconds: 10
                  failureThreshold: 3
                livenessProbe:
                  tcpSocket:
                    port: chaincode
                  initialDelaySeconds: 10
                  periodSeconds: 20
                  failureThreshold: 3
                resources:
                  requests:
                    cpu: "100m"
                    memory: "128Mi"
                securityContext:
                  allowPrivilegeEscalation: false
        ---
        apiVersion: v1
        kind: Service
        metadata:
          name: basic-ccaas
          namespace: fabric
          labels:
            app.kubernetes.io/name: basic-ccaas
            app.kubernetes.io/component: chaincode-server
            app.kubernetes.io/part-of: hyperledger-fabric
            chaincode-gateway/channel: mychannel
            chaincode-gateway/chaincode: basic
          annotations:
            chaincode-gateway/package-id: "\(packageID)"
        spec:
          type: ClusterIP
          selector:
            app.kubernetes.io/name: basic-ccaas
            app.kubernetes.io/component: chaincode-server
          ports:
          - name: chaincode
            port: 9999
            targetPort: chaincode
            protocol: TCP

        """
}
