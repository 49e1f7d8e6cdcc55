import ChaincodePackages
import HTTP1
import WebServer

/// `GET /api/v1/packages/{packageId}/manifests`: Kubernetes or compose manifests that run the
/// chaincode server of a ccaas/external package (ChaincodeServerManifests), as YAML.
enum PackageManifestRoute {
    static func route(store: PackageStore) -> APIRoute {
        APIRoute("GET", "/api/v1/packages/{packageId}/manifests", .read) { ctx in
            let id = ctx.pathParameter("packageId")
            let q = ctx.request.query
            let formatName = q["format"] ?? ChaincodeServerManifests.Format.kubernetes.rawValue
            guard let format = ChaincodeServerManifests.Format(rawValue: formatName) else {
                throw ManifestError(.invalidParameter, "format must be 'kubernetes' or 'compose'", parameter: "format")
            }
            guard let image = q["image"], !image.isEmpty else {
                throw ManifestError(.invalidParameter, "image is required (the chaincode server's image, REPO:TAG)", parameter: "image")
            }
            guard let details = try await store.details(packageID: id) else { throw PackageRoutes.notFound(id) }
            let input = ChaincodeServerManifests.Input(
                packageID: details.record.packageID, connection: try ChaincodeServerManifests.connection(of: details.record),
                image: image, namespace: q["namespace"], network: q["network"] ?? "fabric-gateway",
                channel: q["channel"], chaincode: q["chaincode"])
            let text = try ChaincodeServerManifests(input).render(format)
            return Response(status: 200, headers: HTTPHeaders([("Content-Type", "application/yaml; charset=utf-8"),
                                                               ("Cache-Control", "no-store")]),
                            body: .bytes(Array(text.utf8)))
        }
    }
}
