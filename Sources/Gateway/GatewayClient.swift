import Foundation
import Glibc

/// A small blocking HTTP/1.1 client for the `deploy` and `status` subcommands: one request per
/// connection (`Connection: close`), a bearer token, JSON or YAML in, JSON out. Plain `http://`
/// only for now: TLS to the gateway comes with the gateway's own TLS listener.
struct GatewayClient {
    struct Response {
        var status: Int
        var body: [UInt8]

        var json: [String: Any] { (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] ?? [:] }
        var text: String { String(decoding: body, as: UTF8.self) }

        /// The gateway's error shape as one line: "code: message".
        var errorLine: String {
            guard let e = json["error"] as? [String: Any] else { return "HTTP \(status): \(text.prefix(300))" }
            return "\(e["code"] as? String ?? "error"): \(e["message"] as? String ?? "")"
        }
    }

    struct Failure: Error, CustomStringConvertible { let description: String }

    let host: String
    let port: Int
    let token: String

    /// `http://host[:port]` (a trailing path is ignored).
    init(server: String, token: String) throws {
        guard server.hasPrefix("http://") else {
            throw Failure(description: "--server must be an http:// URL (https is not supported by this client yet): \(server)")
        }
        let rest = server.dropFirst("http://".count).split(separator: "/", maxSplits: 1).first.map(String.init) ?? ""
        if let colon = rest.lastIndex(of: ":"), let p = Int(rest[rest.index(after: colon)...]) {
            (host, port) = (String(rest[..<colon]).trimmingCharacters(in: CharacterSet(charactersIn: "[]")), p)
        } else {
            (host, port) = (rest, 80)
        }
        guard !host.isEmpty else { throw Failure(description: "--server names no host: \(server)") }
        self.token = token
    }

    /// Sends one request and reads the whole response; `timeout` bounds each read and write.
    func request(_ method: String, _ path: String, body: [UInt8]? = nil, contentType: String? = nil, timeout: Int = 90) throws -> Response {
        let fd = try connect(timeout: timeout)
        defer { close(fd) }
        var head = "\(method) \(path) HTTP/1.1\r\nHost: \(host):\(port)\r\nConnection: close\r\nAuthorization: Bearer \(token)\r\n"
        if let contentType { head += "Content-Type: \(contentType)\r\n" }
        if let body { head += "Content-Length: \(body.count)\r\n" }
        let out = Array((head + "\r\n").utf8) + (body ?? [])
        var sent = 0
        while sent < out.count {
            let n = out[sent...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { throw Failure(description: "connection to \(host):\(port) broke while sending") }
            sent += n
        }
        var data: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n == 0 { break }
            guard n > 0 else { throw Failure(description: "no answer from \(host):\(port) within \(timeout) s") }
            data.append(contentsOf: chunk[0..<n])
        }
        return try Self.parse(data)
    }

    private func connect(timeout: Int) throws -> Int32 {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, String(port), &hints, &list) == 0, let first = list else {
            throw Failure(description: "cannot resolve \(host)")
        }
        defer { freeaddrinfo(list) }
        var ai: UnsafeMutablePointer<addrinfo>? = first
        while let a = ai {
            let fd = socket(a.pointee.ai_family, a.pointee.ai_socktype | Int32(SOCK_CLOEXEC.rawValue), a.pointee.ai_protocol)
            if fd >= 0 {
                var tv = timeval(tv_sec: timeout, tv_usec: 0)
                setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
                setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
                if Glibc.connect(fd, a.pointee.ai_addr, a.pointee.ai_addrlen) == 0 { return fd }
                close(fd)
            }
            ai = a.pointee.ai_next
        }
        throw Failure(description: "cannot connect to \(host):\(port): \(String(cString: strerror(errno)))")
    }

    /// Status line, headers, then the body: chunked, or as long as Content-Length says, or to the close.
    static func parse(_ data: [UInt8]) throws -> Response {
        let separator: [UInt8] = [13, 10, 13, 10]
        guard let end = data.indices.first(where: { data[$0...].starts(with: separator) }) else {
            throw Failure(description: "incomplete HTTP response")
        }
        let head = String(decoding: data[..<end], as: UTF8.self).components(separatedBy: "\r\n")
        let parts = head.first?.split(separator: " ") ?? []
        guard parts.count >= 2, let status = Int(parts[1]) else { throw Failure(description: "bad status line: \(head.first ?? "")") }
        var headers: [String: String] = [:]
        for line in head.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        var body = Array(data[(end + 4)...])
        if headers["transfer-encoding"]?.lowercased() == "chunked" {
            var out: [UInt8] = [], i = 0
            while let lineEnd = body[i...].firstIndex(of: 10), let size = Int(String(decoding: body[i..<lineEnd], as: UTF8.self)
                .trimmingCharacters(in: .whitespacesAndNewlines).split(separator: ";").first ?? "", radix: 16), size > 0 {
                let start = lineEnd + 1
                guard start + size <= body.count else { break }
                out += body[start..<(start + size)]
                i = start + size + 2
                guard i < body.count else { break }
            }
            body = out
        } else if let length = headers["content-length"].flatMap(Int.init), length < body.count {
            body = Array(body[..<length])
        }
        return Response(status: status, body: body)
    }
}
