extension AccessControlTests {
    /// One concrete request per API route; the allowed status is what a caller with the
    /// permission gets (chosen so that nothing is created: unknown IDs, invalid bodies).
    /// The fixture runs without a `network:` configuration, so every lifecycle route answers
    /// 503 `network_not_configured` once the caller is authenticated and authorized.
    struct Probe {
        let method: String
        let route: String
        let path: String
        let permission: String
        let contentType: String?
        let body: [UInt8]?
        let allowedStatus: Int
        /// The error code a permitted caller gets, when the probe checks it.
        var allowedCode: String?
    }

    /// A lifecycle route probe: permitted callers get 503 `network_not_configured`.
    static func lifecycle(_ method: String, _ route: String, _ path: String, _ permission: String, json: String? = nil) -> Probe {
        Probe(method: method, route: route, path: path, permission: permission, contentType: json.map { _ in "application/json" },
              body: json.map { Array($0.utf8) }, allowedStatus: 503, allowedCode: "network_not_configured")
    }

    static let chaincode = "/api/v1/channels/{channel}/chaincodes/{name}"
    static let basic = "/api/v1/channels/mychannel/chaincodes/basic"

    static let probes: [Probe] = accessProbes + packageProbes + lifecycleProbes

    static let accessProbes: [Probe] = [
        Probe(method: "GET", route: "/api/v1/me", path: "/api/v1/me", permission: "read", contentType: nil, body: nil, allowedStatus: 200),
        Probe(method: "GET", route: "/api/v1/tokens", path: "/api/v1/tokens", permission: "admin", contentType: nil, body: nil, allowedStatus: 200),
        Probe(method: "POST", route: "/api/v1/tokens", path: "/api/v1/tokens", permission: "admin",
              contentType: "application/json", body: Array("{}".utf8), allowedStatus: 422),
        Probe(method: "DELETE", route: "/api/v1/tokens/{tokenId}", path: "/api/v1/tokens/0123456789abcdef", permission: "admin",
              contentType: nil, body: nil, allowedStatus: 404),
        Probe(method: "GET", route: "/api/v1/audit", path: "/api/v1/audit?limit=10", permission: "admin",
              contentType: nil, body: nil, allowedStatus: 200),
    ]

    static let packageProbes: [Probe] = [
        Probe(method: "GET", route: "/api/v1/packages", path: "/api/v1/packages?limit=5", permission: "read",
              contentType: nil, body: nil, allowedStatus: 200),
        Probe(method: "GET", route: "/api/v1/packages/{packageId}", path: "/api/v1/packages/nope:00", permission: "read",
              contentType: nil, body: nil, allowedStatus: 404),
        Probe(method: "GET", route: "/api/v1/packages/{packageId}/content", path: "/api/v1/packages/nope:00/content",
              permission: "read", contentType: nil, body: nil, allowedStatus: 404),
        Probe(method: "GET", route: "/api/v1/packages/{packageId}/manifests", path: "/api/v1/packages/nope:00/manifests?format=compose&image=cc:1",
              permission: "read", contentType: nil, body: nil, allowedStatus: 404),
        Probe(method: "POST", route: "/api/v1/packages", path: "/api/v1/packages", permission: "packages:write",
              contentType: "text/plain", body: Array("hello".utf8), allowedStatus: 415),
        Probe(method: "POST", route: "/api/v1/packages/ccaas", path: "/api/v1/packages/ccaas", permission: "packages:write",
              contentType: "application/json", body: Array("{}".utf8), allowedStatus: 422),
        Probe(method: "DELETE", route: "/api/v1/packages/{packageId}", path: "/api/v1/packages/nope:00",
              permission: "packages:write", contentType: nil, body: nil, allowedStatus: 404),
    ]

    static let lifecycleProbes: [Probe] = [
        lifecycle("GET", "/api/v1/network", "/api/v1/network", "read"),
        lifecycle("GET", "/api/v1/peers", "/api/v1/peers", "read"),
        lifecycle("GET", "/api/v1/peers/{peer}/installed", "/api/v1/peers/peer0.org1/installed", "read"),
        lifecycle("GET", "/api/v1/channels/{channel}", "/api/v1/channels/mychannel", "read"),
        lifecycle("POST", "/api/v1/installs", "/api/v1/installs", "orgs:operate", json: #"{"packageId":"nope:00"}"#),
        lifecycle("GET", "/api/v1/operations", "/api/v1/operations?kind=install&limit=5", "read"),
        lifecycle("GET", "/api/v1/operations/{operationId}", "/api/v1/operations/nope", "read"),
        lifecycle("GET", "/api/v1/channels/{channel}/chaincodes", "/api/v1/channels/mychannel/chaincodes", "read"),
        lifecycle("GET", chaincode, basic, "read"),
        lifecycle("PUT", chaincode + "/draft", basic + "/draft", "orgs:operate", json: #"{"version":"1.0"}"#),
        lifecycle("POST", chaincode + "/draft/upgrade", basic + "/draft/upgrade", "orgs:operate", json: "{}"),
        lifecycle("POST", chaincode + "/draft/adopt", basic + "/draft/adopt", "orgs:operate", json: "{}"),
        lifecycle("PUT", chaincode + "/deployment", basic + "/deployment", "orgs:operate", json: #"{"version":"1.0","package":{"packageId":"nope:00"}}"#),
        lifecycle("GET", chaincode + "/deployment", basic + "/deployment?wait=1s", "read"),
        lifecycle("GET", chaincode + "/approvals", basic + "/approvals", "read"),
        lifecycle("GET", chaincode + "/history", basic + "/history", "read"),
        lifecycle("POST", chaincode + "/approvals", basic + "/approvals", "orgs:operate", json: #"{"orgs":["Org2MSP"]}"#),
        lifecycle("POST", chaincode + "/commit", basic + "/commit", "orgs:operate"),
        lifecycle("POST", chaincode + "/evaluate", basic + "/evaluate", "chaincode:invoke", json: #"{"function":"ReadAsset"}"#),
        lifecycle("POST", chaincode + "/submit", basic + "/submit", "chaincode:invoke", json: #"{"function":"CreateAsset","wait":false}"#),
        lifecycle("GET", "/api/v1/events", "/api/v1/events", "read"),
    ]
}
