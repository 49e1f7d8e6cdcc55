// Usage: hummingbird-ref PORT PUBLIC_DIR [HOST]
// Serves `GET /healthz` -> {"status":"ok"} and the files of PUBLIC_DIR (FileMiddleware).
import Foundation
import Hummingbird
import Logging

let arguments = CommandLine.arguments
guard arguments.count >= 3, let port = Int(arguments[1]) else {
    print("usage: hummingbird-ref PORT PUBLIC_DIR [HOST]")
    exit(2)
}
let publicDir = arguments[2]
let host = arguments.count >= 4 ? arguments[3] : "127.0.0.1"

var logger = Logger(label: "hummingbird-ref")
logger.logLevel = .warning

let router = Router()
router.add(middleware: FileMiddleware(publicDir, searchForIndexHtml: false, logger: logger))
router.get("/healthz") { _, _ -> Response in
    Response(
        status: .ok,
        headers: [.contentType: "application/json"],
        body: .init(byteBuffer: ByteBuffer(string: #"{"status":"ok"}"#))
    )
}

let app = Application(
    router: router,
    configuration: .init(address: .hostname(host, port: port), serverName: "hummingbird-ref"),
    logger: logger
)
try await app.runService()
