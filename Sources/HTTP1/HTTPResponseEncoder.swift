/// Serializes response heads and chunked framing (RFC 9112 §4, §7.1). Pure.
public enum HTTPResponseEncoder {
    /// Appends the status line and header fields, then the blank line. `fixed`: header lines
    /// already encoded (`Name: value\r\n` each), sent with every response.
    public static func encodeHead(status: Int, headers: HTTPHeaders, fixed: [UInt8] = [], into out: inout [UInt8]) {
        out.append(contentsOf: statusLine(status))
        for (name, value) in headers {
            out.append(contentsOf: name.utf8)
            out.append(0x3a); out.append(0x20)
            out.append(contentsOf: value.utf8)
            out.append(0x0d); out.append(0x0a)
        }
        out.append(contentsOf: fixed)
        out.append(0x0d); out.append(0x0a)
    }

    /// Header lines for `encodeHead(fixed:)`.
    public static func encodeFields(_ fields: [(String, String)]) -> [UInt8] {
        var out: [UInt8] = []
        for (name, value) in fields { out.append(contentsOf: Array("\(name): \(value)\r\n".utf8)) }
        return out
    }

    /// One chunk of a chunked body. Empty input produces nothing (the last chunk is separate).
    public static func encodeChunk(_ bytes: UnsafeRawBufferPointer, into out: inout [UInt8]) {
        guard !bytes.isEmpty else { return }
        out.append(contentsOf: String(bytes.count, radix: 16).utf8)
        out.append(0x0d); out.append(0x0a)
        out.append(contentsOf: bytes)
        out.append(0x0d); out.append(0x0a)
    }

    public static let lastChunk: [UInt8] = Array("0\r\n\r\n".utf8)
    public static let continueResponse: [UInt8] = Array("HTTP/1.1 100 Continue\r\n\r\n".utf8)

    private static let statusLines: [Int: [UInt8]] = {
        var m: [Int: [UInt8]] = [:]
        for (code, reason) in HTTPStatus.reasons { m[code] = Array("HTTP/1.1 \(code) \(reason)\r\n".utf8) }
        return m
    }()

    static func statusLine(_ status: Int) -> [UInt8] {
        statusLines[status] ?? Array("HTTP/1.1 \(status) \(HTTPStatus.reason(status))\r\n".utf8)
    }
}

/// Reason phrases for the statuses this server sends.
public enum HTTPStatus {
    static let reasons: [Int: String] = [
        100: "Continue", 200: "OK", 201: "Created", 202: "Accepted", 204: "No Content",
        206: "Partial Content", 304: "Not Modified", 400: "Bad Request", 401: "Unauthorized",
        403: "Forbidden", 404: "Not Found", 405: "Method Not Allowed", 408: "Request Timeout",
        409: "Conflict", 411: "Length Required", 413: "Content Too Large", 414: "URI Too Long",
        415: "Unsupported Media Type", 417: "Expectation Failed", 422: "Unprocessable Content",
        429: "Too Many Requests", 431: "Request Header Fields Too Large", 500: "Internal Server Error",
        501: "Not Implemented", 502: "Bad Gateway", 503: "Service Unavailable", 504: "Gateway Timeout",
        505: "HTTP Version Not Supported",
    ]

    public static func reason(_ status: Int) -> String { reasons[status] ?? "Status \(status)" }
}
