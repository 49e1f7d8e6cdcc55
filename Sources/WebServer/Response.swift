import HTTP1
import JSON
import SystemIO

/// A response as handlers build it.
public struct Response: Sendable {
    public var status: Int
    public var headers: HTTPHeaders
    public var body: ResponseBody

    public init(status: Int = 200, headers: HTTPHeaders = HTTPHeaders(), body: ResponseBody = .empty) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// A JSON response from already-encoded bytes.
    public static func json(_ bytes: [UInt8], status: Int = 200) -> Response {
        Response(status: status, headers: HTTPHeaders([("Content-Type", "application/json")]), body: .bytes(bytes))
    }

    public static func json(_ value: JSONValue, status: Int = 200) -> Response {
        json(value.encoded(), status: status)
    }
}

public enum ResponseBody: Sendable {
    case empty
    case bytes([UInt8])
    /// A whole open file, sent with sendfile(2). The connection closes the file when done.
    case file(OpenFile)
    /// A chunked stream (Server-Sent Events, large generated documents). The closure writes
    /// with back-pressure and returns when done; `write` throws once the client is gone.
    case stream(@Sendable (ResponseBodyWriter) async throws -> Void)
}

/// An open, read-only file descriptor that is closed exactly once, when the last owner lets go.
public final class OpenFile: @unchecked Sendable {
    public let fd: Int32
    public let size: Int

    /// Takes ownership of `fd`.
    public init(fd: Int32, size: Int) {
        self.fd = fd
        self.size = size
    }

    deinit { Sys.close(fd) }
}
