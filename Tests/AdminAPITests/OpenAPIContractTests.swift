import AdminAPI
import Foundation
import Logging
import Testing
import TestSupport
import WebServer
import Yams

/// openapi.yaml and the route table of `GatewayApplication` describe the same API.
@Suite(.timeLimit(.minutes(2))) struct OpenAPIContractTests {
    static let methods: Set<String> = ["get", "put", "post", "delete", "patch", "head", "options"]

    struct Operation {
        let method: String
        let path: String
        let object: [String: Any]
        var key: String { "\(method) \(path)" }
    }

    static func loadSpec() throws -> [String: Any] {
        let text = try String(contentsOf: repositoryRoot.appendingPathComponent("openapi.yaml"), encoding: .utf8)
        return try #require(try Yams.load(yaml: text) as? [String: Any])
    }

    static func operations(_ spec: [String: Any]) throws -> [Operation] {
        let paths = try #require(spec["paths"] as? [String: Any])
        var ops: [Operation] = []
        for (path, item) in paths {
            let item = try #require(item as? [String: Any], "path item \(path)")
            for (method, op) in item where methods.contains(method) {
                ops.append(Operation(method: method.uppercased(), path: path, object: try #require(op as? [String: Any])))
            }
        }
        return ops
    }

    /// The route table with a throwaway database (the routes exist only with services).
    static func withApplication(_ body: (GatewayApplication) throws -> Void) async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("contract-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let services = try await GatewayServices.open(dataDirectory: dir, migrationsDirectory: migrationsDirectory)
        var logger = Logger(label: "contract")
        logger.logLevel = .critical
        try body(GatewayApplication(services: services, logger: logger))
    }

    @Test("openapi.yaml operations == route table (API + system routes), both ways")
    func pathsMatchRoutes() async throws {
        let ops = try Self.operations(try Self.loadSpec())
        try await Self.withApplication { app in
            let documented = Set(ops.map(\.key))
            let routed = Set(app.apiRoutes.map { "\($0.method) \($0.path)" } + app.systemRoutes.map { "\($0.method) \($0.pattern)" })
            #expect(documented.count == ops.count, "an operation is documented twice")
            #expect(routed.count == app.apiRoutes.count + app.systemRoutes.count, "a route is declared twice")
            #expect(routed.subtracting(documented).sorted() == [], "routes missing from openapi.yaml")
            #expect(documented.subtracting(routed).sorted() == [], "openapi.yaml documents routes the server does not have")
            // Every API route is served (wrapped by access control), none is lost on the way.
            #expect(Set(app.routes.map { "\($0.method) \($0.pattern)" }) == routed)
            #expect(routed.count >= 13)
        }
    }

    @Test("x-permission and security of each operation match the route's declared permission")
    func permissionsMatch() async throws {
        let spec = try Self.loadSpec()
        let global = try #require(spec["security"] as? [[String: Any]])
        #expect(global.count == 1 && global.first?["bearerAuth"] != nil, "bearerAuth must be the global default")
        let schemes = (spec["components"] as? [String: Any])?["securitySchemes"] as? [String: Any]
        let bearer = try #require(schemes?["bearerAuth"] as? [String: Any])
        #expect(bearer["type"] as? String == "http" && bearer["scheme"] as? String == "bearer")
        let byKey = Dictionary(uniqueKeysWithValues: try Self.operations(spec).map { ($0.key, $0.object) })
        try await Self.withApplication { app in
            var declared = app.apiRoutes.map { ("\($0.method) \($0.path)", $0.permission.rawValue, $0.auditAction) }
            declared += app.systemRoutes.map { ("\($0.method) \($0.pattern)", Permission.open.rawValue, nil) }
            for (key, permission, audit) in declared {
                let op = try #require(byKey[key], "\(key) is not documented")
                #expect(op["x-permission"] as? String == permission, "\(key): x-permission must be \(permission)")
                #expect(op["x-audit-action"] as? String == audit, "\(key): x-audit-action must be \(audit ?? "absent")")
                if permission == Permission.open.rawValue {
                    let security = op["security"] as? [Any]
                    #expect(security != nil && security!.isEmpty, "\(key) is open: it must say security: []")
                } else {
                    #expect(op["security"] == nil, "\(key) needs a token: it must use the global bearerAuth")
                }
            }
        }
    }

    @Test("x-deadline-seconds of each operation == the route's deadline; a bounded route documents 504 and says its bound")
    func deadlinesMatch() async throws {
        let byKey = Dictionary(uniqueKeysWithValues: try Self.operations(try Self.loadSpec()).map { ($0.key, $0.object) })
        try await Self.withApplication { app in
            #expect(app.apiRoutes.filter { $0.deadline != nil }.count >= 14, "every Fabric-backed route has a deadline")
            for route in app.apiRoutes {
                let key = "\(route.method) \(route.path)"
                let op = try #require(byKey[key], "\(key) is not documented")
                let seconds = route.deadline.map { Int($0.components.seconds) }
                #expect(op["x-deadline-seconds"] as? Int == seconds, "\(key): x-deadline-seconds must be \(seconds.map(String.init) ?? "absent")")
                guard let seconds else { continue }
                #expect((op["responses"] as? [String: Any])?["504"] != nil, "\(key) is bounded: it must document 504")
                #expect((op["description"] as? String)?.contains("within \(seconds) s") == true,
                        "\(key): the description must say it answers within \(seconds) s")
            }
        }
    }

    @Test("each operation documents the errors its permission and parameters can produce")
    func errorResponsesDocumented() async throws {
        let spec = try Self.loadSpec()
        for op in try Self.operations(spec) {
            let responses = try #require(op.object["responses"] as? [String: Any], "\(op.key) has no responses")
            let codes = Set(responses.keys)
            let permission = op.object["x-permission"] as? String
            if permission != "open" {
                #expect(codes.isSuperset(of: ["401", "429", "500"]), "\(op.key) needs 401, 429 and 500")
                #expect(((responses["401"] as? [String: Any])?["$ref"] as? String)?.hasSuffix("/Unauthorized") == true)
            }
            if permission != "open" && permission != "read" {
                #expect(codes.contains("403"), "\(op.key) can refuse a viewer: 403")
            }
            if op.path.contains("{") { #expect(codes.contains("404"), "\(op.key) has a path parameter: 404") }
            for (code, response) in responses where code.hasPrefix("4") || code.hasPrefix("5") {
                guard op.path.hasPrefix("/api/") else { continue }
                let ref = (response as? [String: Any])?["$ref"] as? String
                #expect(ref?.hasPrefix("#/components/responses/") == true, "\(op.key) \(code) must reference a shared error response")
            }
        }
        // Every shared error response carries the one Error schema.
        let responses = try #require((spec["components"] as? [String: Any])?["responses"] as? [String: Any])
        for (name, response) in responses {
            let content = ((response as? [String: Any])?["content"] as? [String: Any])?["application/json"] as? [String: Any]
            let ref = (content?["schema"] as? [String: Any])?["$ref"] as? String
            #expect(ref == "#/components/schemas/Error", "\(name) must use the Error schema")
        }
    }

    @Test("route-table walk: every mutating route is authenticated and audited")
    func mutatingRoutesAreAudited() async throws {
        try await Self.withApplication { app in
            #expect(app.apiRoutes.contains { $0.isMutating }, "the walk must see mutating routes")
            for route in app.apiRoutes where route.isMutating {
                #expect(route.auditAction?.isEmpty == false, "\(route.method) \(route.path) has no audit action")
                #expect(route.permission != .open, "\(route.method) \(route.path) is mutating and open")
            }
            for route in app.apiRoutes {
                #expect(route.path.hasPrefix("/api/v1/"), "\(route.path) is outside /api/v1")
                #expect(route.permission != .open, "API route \(route.method) \(route.path) is open")
            }
            #expect(app.systemRoutes.allSatisfy { $0.method == "GET" }, "system routes are read-only")
        }
    }
}
