import ChaincodePackages
import HTTP1
import WebServer

/// Streams an upload body into a staging file: the raw body (`application/gzip`,
/// `application/octet-stream`) or the `file` part of a `multipart/form-data` body.
struct PackageUpload {
    let store: PackageStore

    static let rawTypes = ["application/gzip", "application/x-gzip", "application/octet-stream", "application/x-tar+gzip"]

    func receive(_ request: Request, uploadedBy: String) async throws -> StoredPackage {
        guard case .stream(let body) = request.body else {
            throw HTTPError.badRequest("the request has no body: send the package bytes", code: "empty_body")
        }
        let contentType = request.headers["Content-Type"]?.lowercased() ?? "application/octet-stream"
        let multipart = contentType.hasPrefix("multipart/form-data")
        guard multipart || Self.rawTypes.contains(where: { contentType.hasPrefix($0) }) else {
            throw HTTPError(status: 415, code: "unsupported_media_type",
                            message: "send the package as application/gzip or as the 'file' field of multipart/form-data")
        }
        let staged = try store.beginUpload()
        // Hashing + writing here and inspecting on another thread overlap: nothing is left to
        // check once the last byte has arrived.
        let sink = UploadSink(staged: staged, inspection: ConcurrentInspection(limits: store.limits))
        let inspection: PackageInspection
        do {
            if multipart {
                try await receiveMultipart(body, contentType: request.headers["Content-Type"]!, into: sink)
            } else {
                for try await chunk in body { try await sink.append(chunk) }
            }
            guard staged.size > 0 else { throw HTTPError.badRequest("the uploaded package is empty", code: "empty_body") }
            inspection = try await sink.inspection.finish()
        } catch {
            sink.inspection.cancel()
            staged.discard()
            throw error
        }
        return try await store.store(staged, inspection: inspection, uploadedBy: uploadedBy)
    }

    /// Where the package's bytes go: the staging file (hash + write) and the inspector.
    struct UploadSink {
        let staged: PackageStagingFile
        let inspection: ConcurrentInspection

        func append(_ chunk: [UInt8]) async throws {
            try staged.append(chunk)
            try await inspection.feed(chunk)
        }
    }

    private func receiveMultipart(_ body: RequestBodyStream, contentType: String, into sink: UploadSink) async throws {
        var parser: MultipartParser
        do { parser = MultipartParser(boundary: try MultipartParser.boundary(contentType: contentType)) } catch {
            throw HTTPError.badRequest("invalid multipart/form-data: \(error)", code: "invalid_multipart")
        }
        var inFile = false, sawFile = false
        do {
            for try await chunk in body {
                for event in try parser.feed(chunk) {
                    switch event {
                    case .partBegin(let headers):
                        inFile = !sawFile && (headers.name == "file" || headers.filename != nil)
                        if inFile { sawFile = true }
                    case .bodyChunk(let bytes):
                        if inFile { try await sink.append(bytes) }
                    case .partEnd:
                        inFile = false
                    case .end:
                        break
                    }
                }
            }
            try parser.finish()
        } catch let e as MultipartError {
            throw HTTPError.badRequest("invalid multipart/form-data: \(e)", code: "invalid_multipart")
        }
        guard sawFile else { throw HTTPError.badRequest("multipart/form-data body has no 'file' field", code: "missing_file") }
    }
}
