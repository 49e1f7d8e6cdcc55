extension ChaincodeServerManifests {
    /// A compose file with one service named like connection.json's host, on the peers' network
    /// (external: the network of the gateway's docker-compose.yml, `fabric-gateway` by default).
    /// Compose makes the service name a DNS alias on that network, so the peers reach it at the
    /// address they dial.
    func compose() throws -> String {
        let (host, port) = try hostAndPort()
        guard Self.isComposeName(host) else {
            throw ManifestError(.addressMismatch, "connection.json address '\(input.connection.address)' is not a compose service name "
                + "([a-zA-Z0-9][a-zA-Z0-9_.-]*): the peer would dial a host this service does not answer to")
        }
        var service: [(String, YAMLNode)] = [
            ("image", .string(input.image)),
            ("restart", .string("unless-stopped")),
            ("environment", .map(environment(port: port).map { ($0.0, .string($0.1)) })),
        ]
        let labels = fabricLabels()
        service.append(("labels", .map(labels + [("chaincode-gateway/package-id", .string(input.packageID))])))
        if input.connection.tlsRequired {
            service.append(("volumes", .list([.string("./\(host)-tls:\(Self.tlsDirectory):ro")])))
        }
        service.append(("networks", .list([.string(input.network)])))
        let document: YAMLNode = .map([
            ("services", .map([(host, .map(service))])),
            ("networks", .map([(input.network, .map([("external", .bool(true))]))])),
        ])
        var notes = ["Chaincode server for package \(input.packageID)",
                     "Peers dial \(input.connection.address) (connection.json): service '\(host)' on network '\(input.network)'."]
        if input.connection.tlsRequired {
            notes.append("TLS: put " + tlsFiles().map(\.0).joined(separator: ", ") + " in ./\(host)-tls (see CHAINCODE_TLS_*).")
        }
        notes.append("Start: docker compose -f THIS_FILE up -d")
        return Self.header(notes) + document.rendered()
    }
}
