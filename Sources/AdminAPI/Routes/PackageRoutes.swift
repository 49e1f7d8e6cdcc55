import ChaincodePackages
import Foundation
import HTTP1
import JSON
import Store
import WebServer

/// `/api/v1/packages`: upload (raw or multipart, streamed to disk), build ccaas, list, inspect,
/// download, delete; manifests for a ccaas package's server (PackageManifestRoute).
enum PackageRoutes {
    static func routes(store: PackageStore) -> [APIRoute] {
        let uploadLimit = Int(store.limits.maxPackageBytes) + 64 * 1024 // multipart framing overhead
        return [
            APIRoute("POST", "/api/v1/packages", .managePackages, audit: "package.upload", body: .stream(limit: uploadLimit)) { ctx in
                let stored = try await PackageUpload(store: store).receive(ctx.request, uploadedBy: ctx.principal.name)
                ctx.auditTarget = stored.record.packageID
                ctx.auditDetail = stored.created ? "stored \(stored.record.size) bytes" : "already stored"
                return .json(packageJSON(stored.record, entries: stored.entries, created: stored.created), status: stored.created ? 201 : 200)
            },
            APIRoute("POST", "/api/v1/packages/ccaas", .managePackages, audit: "package.build") { ctx in
                let input = try ccaasInput(JSONBody(ctx.request))
                ctx.auditTarget = input.label
                let output = try CCaaSPackageBuilder().build(input)
                let stored = try await store.store(bytes: output.bytes, uploadedBy: ctx.principal.name)
                ctx.auditTarget = stored.record.packageID
                var fields = packageFields(stored.record, entries: stored.entries, created: stored.created)
                fields.append(("chaincodeServer", .object([
                    ("CHAINCODE_ID", .string(stored.record.packageID)),
                    ("CHAINCODE_SERVER_ADDRESS", .string(serverAddress(input.address))),
                ])))
                return .json(.object(fields), status: stored.created ? 201 : 200)
            },
            APIRoute("GET", "/api/v1/packages", .read) { ctx in
                let paging = try Paging(ctx.request, maxLimit: PackageQuery.maxLimit)
                let q = ctx.request.query
                let page = try await store.list(PackageQuery(label: q["label"], type: q["type"], limit: paging.limit, offset: paging.offset))
                return .json(.object([("items", .array(page.items.map { packageJSON($0, entries: nil, created: nil) })),
                                      ("total", .int(page.total)), ("limit", .int(paging.limit)), ("offset", .int(paging.offset))]))
            },
            APIRoute("GET", "/api/v1/packages/{packageId}", .read) { ctx in
                let id = ctx.pathParameter("packageId")
                guard let d = try await store.details(packageID: id) else { throw notFound(id) }
                return .json(packageJSON(d.record, entries: d.entries, created: nil))
            },
            APIRoute("GET", "/api/v1/packages/{packageId}/content", .read) { ctx in
                let id = ctx.pathParameter("packageId")
                guard let d = try await store.details(packageID: id) else { throw notFound(id) }
                let etag = "\"\(d.record.sha256)\""
                var headers = HTTPHeaders([("ETag", etag), ("Cache-Control", "private, max-age=31536000, immutable")])
                if ctx.request.headers["If-None-Match"] == etag { return Response(status: 304, headers: headers) }
                let fd = open(store.path(of: d.record), O_RDONLY | O_CLOEXEC)
                guard fd >= 0 else { throw HTTPError(status: 500, code: "storage", message: "stored file for '\(id)' is unreadable") }
                headers.add("Content-Type", "application/gzip")
                let fileName = d.record.label.filter { $0.isLetter || $0.isNumber || "._-+".contains($0) }
                headers.add("Content-Disposition", "attachment; filename=\"\(fileName).tar.gz\"")
                return Response(status: 200, headers: headers, body: .file(OpenFile(fd: fd, size: Int(d.record.size))))
            },
            PackageManifestRoute.route(store: store),
            APIRoute("DELETE", "/api/v1/packages/{packageId}", .managePackages, audit: "package.delete") { ctx in
                let id = ctx.pathParameter("packageId")
                ctx.auditTarget = id
                guard try await store.delete(packageID: id) else { throw notFound(id) }
                return Response(status: 204)
            },
        ]
    }

    static func notFound(_ id: String) -> HTTPError {
        HTTPError(status: 404, code: "package_not_found", message: "no package with ID '\(id)'")
    }

    static func ccaasInput(_ b: JSONBody) throws -> CCaaSPackageBuilder.Input {
        let type = try b.optionalString("type") ?? "ccaas"
        guard type == "ccaas" || type == "external" else { throw JSONBody.invalid("type", "must be 'ccaas' or 'external'") }
        return CCaaSPackageBuilder.Input(
            label: try b.string("label"), address: try b.string("address"), dialTimeout: try b.optionalString("dialTimeout"),
            tlsRequired: try b.bool("tlsRequired", default: false), clientAuthRequired: try b.bool("clientAuthRequired", default: false),
            rootCert: try b.optionalString("rootCert"), clientCert: try b.optionalString("clientCert"),
            clientKey: try b.optionalString("clientKey"), type: type, couchDBIndexes: try b.stringMap("couchdbIndexes"))
    }

    /// The chaincode server listens on the port of `address`, on every interface.
    static func serverAddress(_ address: String) -> String {
        guard let colon = address.lastIndex(of: ":") else { return address }
        return "0.0.0.0" + address[colon...]
    }

    static func packageFields(_ r: PackageRecord, entries: [PackageEntryRecord]?, created: Bool?) -> [(String, JSONValue)] {
        var f: [(String, JSONValue)] = [
            ("packageId", .string(r.packageID)), ("label", .string(r.label)), ("type", .string(r.type)), ("path", .string(r.path)),
            ("size", .int(Int(r.size))), ("sha256", .string(r.sha256)), ("uploadedBy", .optional(r.uploadedBy)),
            ("uploadedAt", .string(r.uploadedAt)), ("warnings", .strings(r.warnings)),
            ("metadata", .raw(Array(r.metadataJSON.utf8))),
            // Stored without secrets (client_key never reaches the database).
            ("connection", r.connectionJSON.map { .raw(Array($0.utf8)) } ?? .null),
        ]
        if let entries {
            f.append(("entries", .array(entries.map {
                .object([("name", .string($0.name)), ("size", .int(Int($0.size))), ("mode", .string(String($0.mode, radix: 8))),
                         ("type", .string($0.typeFlag)), ("flags", .strings($0.flags))])
            })))
        }
        if let created { f.append(("created", .bool(created))) }
        return f
    }

    static func packageJSON(_ r: PackageRecord, entries: [PackageEntryRecord]?, created: Bool?) -> JSONValue {
        .object(packageFields(r, entries: entries, created: created))
    }
}
