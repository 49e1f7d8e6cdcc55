extension ChaincodeServerManifests {
    /// Where the peer will dial, as a Kubernetes Service: `NAME`, `NAME.NS`, `NAME.NS.svc` or
    /// `NAME.NS.svc.<cluster domain>` (the DNS names of a Service, Kubernetes "DNS for Services
    /// and Pods"). A bare `NAME` resolves in the namespace of the pod that asks, so it works when
    /// the peers run in `namespace` too.
    struct ServiceAddress: Equatable {
        var name: String
        var namespace: String
        var port: Int
        /// The address names its namespace (else the peer's own namespace applies).
        var qualified: Bool
    }

    func serviceAddress() throws -> ServiceAddress {
        let (host, port) = try hostAndPort()
        let address = input.connection.address
        let parts = host.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        let isService = parts.count == 1 || parts.count == 2 || (parts.count >= 3 && parts[2] == "svc")
        guard isService, Self.isServiceName(parts[0]), parts.count == 1 || Self.isDNSLabel(parts[1]) else {
            throw ManifestError(.addressMismatch, "connection.json address '\(address)' is not a Kubernetes Service name "
                + "(NAME, NAME.NAMESPACE, NAME.NAMESPACE.svc or NAME.NAMESPACE.svc.CLUSTER-DOMAIN, NAME a lower-case DNS-1035 label): "
                + "the peer would dial a host these manifests do not create")
        }
        guard parts.count > 1 else {
            return ServiceAddress(name: parts[0], namespace: input.namespace ?? "default", port: port, qualified: false)
        }
        if let wanted = input.namespace, wanted != parts[1] {
            throw ManifestError(.addressMismatch, "connection.json address '\(address)' is Service '\(parts[0])' in namespace '\(parts[1])', "
                + "not in namespace '\(wanted)': the peer would dial a Service these manifests do not create")
        }
        return ServiceAddress(name: parts[0], namespace: parts[1], port: port, qualified: true)
    }

    /// Deployment + Service (+ TLS Secret), as one multi-document YAML stream.
    func kubernetes() throws -> String {
        let service = try serviceAddress()
        let selector: [(String, YAMLNode)] = [
            ("app.kubernetes.io/name", .string(service.name)), ("app.kubernetes.io/component", .string("chaincode-server")),
        ]
        let labels = selector + [("app.kubernetes.io/part-of", .string("hyperledger-fabric"))] + fabricLabels()
        func metadata(_ name: String) -> YAMLNode {
            .map([("name", .string(name)), ("namespace", .string(service.namespace)), ("labels", .map(labels)),
                  ("annotations", .map([("chaincode-gateway/package-id", .string(input.packageID))]))])
        }
        var documents = [deployment(service, metadata: metadata(service.name), selector: selector, labels: labels),
                         serviceObject(service, metadata: metadata(service.name), selector: selector)]
        if input.connection.tlsRequired {
            documents.append(.map([
                ("apiVersion", .string("v1")), ("kind", .string("Secret")), ("metadata", metadata(service.name + "-tls")),
                ("type", .string("kubernetes.io/tls")),
                ("stringData", .map(tlsFiles().map { ($0.0, .string($0.1)) })),
            ]))
        }
        var notes = ["Chaincode server for package \(input.packageID)",
                     "Peers dial \(input.connection.address) (connection.json): Service '\(service.name)', port \(service.port), namespace '\(service.namespace)'."]
        if !service.qualified {
            notes.append("The address has no namespace: it resolves only for peers running in namespace '\(service.namespace)'.")
        }
        if input.connection.tlsRequired {
            notes.append("TLS: replace the REPLACE values of Secret '\(service.name)-tls' (or create it with kubectl create secret tls) before applying.")
        }
        return Self.header(notes) + documents.map { "---\n" + $0.rendered() }.joined()
    }

    private func deployment(_ service: ServiceAddress, metadata: YAMLNode, selector: [(String, YAMLNode)],
                            labels: [(String, YAMLNode)]) -> YAMLNode {
        // A TCP probe: the chaincode server speaks gRPC with no health service of its own.
        func probe(initialDelay: Int, period: Int) -> YAMLNode {
            .map([("tcpSocket", .map([("port", .string("chaincode"))])), ("initialDelaySeconds", .int(initialDelay)),
                  ("periodSeconds", .int(period)), ("failureThreshold", .int(3))])
        }
        var container: [(String, YAMLNode)] = [
            ("name", .string("chaincode")), ("image", .string(input.image)), ("imagePullPolicy", .string("IfNotPresent")),
            ("env", .list(environment(port: service.port).map { .map([("name", .string($0.0)), ("value", .string($0.1))]) })),
            ("ports", .list([.map([("name", .string("chaincode")), ("containerPort", .int(service.port)), ("protocol", .string("TCP"))])])),
            ("readinessProbe", probe(initialDelay: 2, period: 10)),
            ("livenessProbe", probe(initialDelay: 10, period: 20)),
            ("resources", .map([("requests", .map([("cpu", .string("100m")), ("memory", .string("128Mi"))]))])),
            ("securityContext", .map([("allowPrivilegeEscalation", .bool(false))])),
        ]
        var pod: [(String, YAMLNode)] = []
        if input.connection.tlsRequired {
            container.append(("volumeMounts", .list([.map([("name", .string("tls")), ("mountPath", .string(Self.tlsDirectory)),
                                                          ("readOnly", .bool(true))])])))
            pod.append(("volumes", .list([.map([("name", .string("tls")), ("secret", .map([("secretName", .string(service.name + "-tls"))]))])])))
        }
        return .map([
            ("apiVersion", .string("apps/v1")), ("kind", .string("Deployment")), ("metadata", metadata),
            ("spec", .map([
                ("replicas", .int(1)),
                ("selector", .map([("matchLabels", .map(selector))])),
                ("template", .map([
                    ("metadata", .map([("labels", .map(labels))])),
                    ("spec", .map([("containers", .list([.map(container)]))] + pod)),
                ])),
            ])),
        ])
    }

    private func serviceObject(_ service: ServiceAddress, metadata: YAMLNode, selector: [(String, YAMLNode)]) -> YAMLNode {
        .map([
            ("apiVersion", .string("v1")), ("kind", .string("Service")), ("metadata", metadata),
            ("spec", .map([
                ("type", .string("ClusterIP")),
                ("selector", .map(selector)),
                ("ports", .list([.map([("name", .string("chaincode")), ("port", .int(service.port)),
                                       ("targetPort", .string("chaincode")), ("protocol", .string("TCP"))])])),
            ])),
        ])
    }
}
