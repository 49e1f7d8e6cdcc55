import Foundation
import Glibc
import JSON
import Logging
import SystemIO
import TestSupport
import TLSCrypto
@testable import WebServer

/// Starts a server on 127.0.0.1 (a port from TestPorts) with test routes; `stop()` shuts it down.
struct ServerFixture {
    let server: HTTPServer
    let publicDir: String
    var port: Int { server.port }

    let gate = Gate()

    static func routes(gate: Gate, publicDir: String) -> [Route] {
        [
            Route("GET", "/hello", handler: .inline { _ in Response.json(.object([("hello", "world")])) }),
            Route("GET", "/items/{id}", handler: .async { req in
                Response.json(.object([("id", .string(req.pathParameters["id"] ?? ""))]))
            }),
            Route("POST", "/echo", body: .buffered(limit: 1024), handler: .async { req in
                Response(status: 200, headers: .init([("Content-Type", "application/octet-stream")]), body: .bytes(req.bodyBytes))
            }),
            Route("GET", "/gate", handler: .async { _ in
                await gate.enterAndWait()
                return Response.json(.object([("gate", true)]))
            }),
            Route("PUT", "/upload", body: .stream(limit: 64 << 20), handler: .async { req in
                guard case .stream(let s) = req.body else { throw HTTPError.badRequest("no stream") }
                var total = 0
                for try await chunk in s {
                    total += chunk.count
                    // A slow consumer: the server must stop reading rather than buffer it all.
                    if total % (4 << 20) < chunk.count { try await Task.sleep(for: .milliseconds(5)) }
                }
                return Response.json(.object([("received", .int(total))]))
            }),
            // The SHA-256 of a streamed body (byte-for-byte checks of large uploads).
            Route("PUT", "/digest", body: .stream(limit: 256 << 20), handler: .async { req in
                guard case .stream(let s) = req.body else { throw HTTPError.badRequest("no stream") }
                var hasher = SHA256()
                var total = 0
                for try await chunk in s {
                    hasher.update(chunk)
                    total += chunk.count
                }
                return Response.json(.object([("received", .int(total)), ("sha256", .string(hasher.finalize().hexString))]))
            }),
            // A file body (sendfile on plain connections), from the public directory.
            Route("GET", "/download/{name}", handler: .async { req in
                let path = publicDir + "/" + (req.pathParameters["name"] ?? "")
                let fd = open(path, O_RDONLY | O_CLOEXEC)
                guard fd >= 0 else { throw HTTPError.notFound("no such file") }
                var st = stat()
                fstat(fd, &st)
                return Response(status: 200, body: .file(OpenFile(fd: fd, size: Int(st.st_size))))
            }),
            Route("GET", "/events", handler: .async { _ in
                Response(status: 200, headers: .init([("Content-Type", "text/event-stream")]), body: .stream { w in
                    for i in 0..<3 { try await w.write("data: \(i)\n\n") }
                })
            }),
            Route("GET", "/boom", handler: .async { _ in throw CocoaError(.fileNoSuchFile) }),
            // Checked before its body is read: admitted with `Authorization: let-me-in`.
            Route("POST", "/guarded", body: .buffered(limit: 1 << 20), admission: { req in
                guard req.headers["Authorization"] == "let-me-in" else {
                    return .refuse(HTTPError(status: 401, code: "unauthorized", message: "no").response(requestID: req.requestID))
                }
                return .admit("caller-\(req.bodyBytes.count)")
            }, handler: .async { req in
                Response.json(.object([("admitted", .string(req.admitted as? String ?? "")), ("bytes", .int(req.bodyBytes.count))]))
            }),
        ]
    }

    init(configure: (inout HTTPServerConfiguration) -> Void = { _ in }) throws {
        var config = HTTPServerConfiguration()
        config.threads = 2
        config.accessLog = false
        configure(&config)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ws-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir + "/sub", withIntermediateDirectories: true)
        try Data("<h1>home</h1>".utf8).write(to: URL(fileURLWithPath: dir + "/index.html"))
        try Data("body{}".utf8).write(to: URL(fileURLWithPath: dir + "/sub/app.css"))
        try Data("secret".utf8).write(to: URL(fileURLWithPath: dir + "/../secret-\(UUID().uuidString).txt"))
        try Data("hidden".utf8).write(to: URL(fileURLWithPath: dir + "/.env"))
        try FileManager.default.createSymbolicLink(atPath: dir + "/escape", withDestinationPath: "/etc")
        try FileManager.default.createSymbolicLink(atPath: dir + "/passwd", withDestinationPath: "/etc/passwd")
        publicDir = dir
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let app = HTTPApplication(router: Router(Self.routes(gate: gate, publicDir: dir)), staticFiles: try StaticFiles(root: dir), logger: logger)
        server = try TestPorts.bind(inUse: { ($0 as? SystemError)?.code == SystemError.addressInUse }) { port in
            config.port = port
            return try HTTPServer(config: config, app: app)
        }
    }

    func stop() async {
        await server.shutdown()
        try? FileManager.default.removeItem(atPath: publicDir)
    }
}

/// Lets a test hold a request inside its handler: `entered` is signalled when the handler runs,
/// the handler returns once `release()` is called.
final class Gate: Sendable {
    let entered = DispatchSemaphore(value: 0)
    let released = DispatchSemaphore(value: 0)

    func enterAndWait() async {
        entered.signal()
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            Thread { self.released.wait(); c.resume() }.start()
        }
    }

    func release() { released.signal() }
}
