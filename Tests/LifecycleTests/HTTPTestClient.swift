import Foundation
import Glibc

/// A small blocking HTTP/1.1 client over a raw socket (one request per connection), run off
/// the cooperative pool so the server's handlers keep their threads.
struct HTTPTestClient: Sendable {
    let port: Int
    var token: String?

    struct Response: Sendable {
        var status: Int
        var headers: [String: String]
        var body: [UInt8]
        var text: String { String(decoding: body, as: UTF8.self) }
        var json: [String: Any] { (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] ?? [:] }
    }

    struct Failure: Error, CustomStringConvertible { let description: String }

    func get(_ path: String) async throws -> Response { try await request("GET", path) }
    func post(_ path: String, _ json: Any = [String: Any]()) async throws -> Response { try await request("POST", path, json: json) }
    func put(_ path: String, _ json: Any) async throws -> Response { try await request("PUT", path, json: json) }

    func request(_ method: String, _ path: String, json: Any? = nil, timeoutSeconds: Int = 60) async throws -> Response {
        let body = try json.map { Array(try JSONSerialization.data(withJSONObject: $0)) } ?? []
        var head = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Length: \(body.count)\r\n"
        if json != nil { head += "Content-Type: application/json\r\n" }
        if let token { head += "Authorization: Bearer \(token)\r\n" }
        let bytes = Array((head + "\r\n").utf8) + body
        let port = self.port
        return try await withCheckedThrowingContinuation { cont in
            Thread.detachNewThread {
                cont.resume(with: Result { try Self.exchange(bytes, port: port, timeoutSeconds: timeoutSeconds) })
            }
        }
    }

    static func exchange(_ request: [UInt8], port: Int, timeoutSeconds: Int) throws -> Response {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var tv = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = UInt16(port).bigEndian
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let rc = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        guard rc == 0 else { throw Failure(description: "connect to port \(port) failed") }
        var off = 0
        while off < request.count {
            let n = request[off...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            guard n > 0 else { throw Failure(description: "write failed") }
            off += n
        }
        var data: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, 65536) }
            if n < 0 { throw Failure(description: "read failed or timed out") }
            if n == 0 { break }
            data.append(contentsOf: chunk[0..<n])
        }
        return try parse(data)
    }

    static func parse(_ data: [UInt8]) throws -> Response {
        guard let end = data.firstRange(of: Array("\r\n\r\n".utf8)) else { throw Failure(description: "no response head") }
        var lines = String(decoding: data[..<end.lowerBound], as: UTF8.self).components(separatedBy: "\r\n")
        let status = Int(lines.removeFirst().split(separator: " ")[1]) ?? 0
        var headers: [String: String] = [:]
        for l in lines {
            let p = l.split(separator: ":", maxSplits: 1)
            if p.count == 2 { headers[p[0].lowercased()] = p[1].trimmingCharacters(in: .whitespaces) }
        }
        var body = Array(data[end.upperBound...])
        if headers["transfer-encoding"] == "chunked" { body = dechunk(body) }
        return Response(status: status, headers: headers, body: body)
    }

    static func dechunk(_ raw: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [], rest = raw[...]
        while let r = rest.firstRange(of: Array("\r\n".utf8)),
              let size = Int(String(decoding: rest[..<r.lowerBound], as: UTF8.self), radix: 16), size > 0 {
            let start = r.upperBound
            guard rest.endIndex >= start + size else { break }
            out.append(contentsOf: rest[start..<start + size])
            rest = rest[(start + size + 2 < rest.endIndex ? start + size + 2 : rest.endIndex)...]
        }
        return out
    }
}

extension HTTPTestClient {
    /// Opens a streaming GET (SSE) and returns what arrived once `marker` was seen (then hangs up).
    func stream(_ path: String, headers extra: [String: String] = [:], until marker: String) async throws -> String {
        var head = "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        if let token { head += "Authorization: Bearer \(token)\r\n" }
        for (k, v) in extra { head += "\(k): \(v)\r\n" }
        let bytes = Array((head + "\r\n").utf8)
        let port = self.port
        return try await withCheckedThrowingContinuation { cont in
            Thread.detachNewThread {
                cont.resume(with: Result {
                    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
                    defer { close(fd) }
                    var tv = timeval(tv_sec: 10, tv_usec: 0)
                    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
                    var addr = sockaddr_in()
                    addr.sin_family = sa_family_t(AF_INET)
                    addr.sin_port = UInt16(port).bigEndian
                    addr.sin_addr.s_addr = inet_addr("127.0.0.1")
                    _ = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
                    _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
                    var text = ""
                    var chunk = [UInt8](repeating: 0, count: 65536)
                    while !text.contains(marker) {
                        let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, 65536) }
                        guard n > 0 else { throw Failure(description: "stream ended before '\(marker)': \(text)") }
                        text += String(decoding: chunk[0..<n], as: UTF8.self)
                    }
                    return text
                })
            }
        }
    }
}
