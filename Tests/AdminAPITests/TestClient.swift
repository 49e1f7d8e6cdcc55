import Foundation
import Glibc

/// A deliberately simple blocking HTTP/1.1 client over a raw socket, one request per connection.
/// Blocking: call it through `onThread`, never on the cooperative pool.
final class TestClient {
    let fd: Int32
    private var buffer: [UInt8] = []

    struct Response: Sendable {
        var status: Int
        /// Lower-cased names.
        var headers: [String: String]
        var body: [UInt8]
        var text: String { String(decoding: body, as: UTF8.self) }

        /// The body parsed as a JSON object (empty when it is not one).
        var json: [String: Any] {
            (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] ?? [:]
        }

        /// `error.code` of the one error shape, if present.
        var errorCode: String? { (json["error"] as? [String: Any])?["code"] as? String }
        var errorMessage: String? { (json["error"] as? [String: Any])?["message"] as? String }
        var errorDetails: [String: Any]? { (json["error"] as? [String: Any])?["details"] as? [String: Any] }
    }

    struct Closed: Error {}

    init(port: Int, timeoutSeconds: Int = 10) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var tv = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = UInt16(port).bigEndian
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        if rc != 0 { close(fd); throw Closed() }
    }

    deinit { close(fd) }

    /// Sends everything; a server that answers early (413) and closes may cut the body short,
    /// which is not an error here: the response is what the test checks.
    func send(_ bytes: [UInt8]) {
        var off = 0
        while off < bytes.count {
            let n = bytes[off...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { return }
            off += n
        }
    }

    private func fill() -> Bool {
        var chunk = [UInt8](repeating: 0, count: 65536)
        let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, 65536) }
        if n <= 0 { return false }
        buffer.append(contentsOf: chunk[0..<n])
        return true
    }

    /// Reads one response (Content-Length or chunked).
    func readResponse(head: Bool = false) throws -> Response {
        var end: Int?
        while end == nil {
            if let r = buffer.firstRange(of: Array("\r\n\r\n".utf8)) { end = r.upperBound; break }
            guard fill() else { throw Closed() }
        }
        let headText = String(decoding: buffer[..<end!], as: UTF8.self)
        buffer.removeFirst(end!)
        var lines = headText.components(separatedBy: "\r\n")
        let status = Int(lines.removeFirst().split(separator: " ")[1])!
        var headers: [String: String] = [:]
        for l in lines where !l.isEmpty {
            let p = l.split(separator: ":", maxSplits: 1)
            headers[p[0].lowercased()] = p.count > 1 ? p[1].trimmingCharacters(in: .whitespaces) : ""
        }
        if status == 100 { return try readResponse(head: head) }
        var body: [UInt8] = []
        if head || status == 304 || status == 204 {
        } else if headers["transfer-encoding"] == "chunked" {
            while true {
                while buffer.firstRange(of: Array("\r\n".utf8)) == nil { guard fill() else { throw Closed() } }
                let r = buffer.firstRange(of: Array("\r\n".utf8))!
                let size = Int(String(decoding: buffer[..<r.lowerBound], as: UTF8.self), radix: 16)!
                buffer.removeFirst(r.upperBound)
                while buffer.count < size + 2 { guard fill() else { throw Closed() } }
                body.append(contentsOf: buffer[..<size])
                buffer.removeFirst(size + 2)
                if size == 0 { break }
            }
        } else if let cl = headers["content-length"].flatMap({ Int($0) }) {
            while buffer.count < cl { guard fill() else { throw Closed() } }
            body = Array(buffer[..<cl])
            buffer.removeFirst(cl)
        }
        return Response(status: status, headers: headers, body: body)
    }

    /// One request on a fresh connection.
    static func request(port: Int, method: String, path: String, headers: [(String, String)] = [],
                        body: [UInt8]? = nil) throws -> Response {
        let c = try TestClient(port: port)
        var head = "\(method) \(path) HTTP/1.1\r\nHost: test\r\nConnection: close\r\n"
        for (k, v) in headers { head += "\(k): \(v)\r\n" }
        if let body { head += "Content-Length: \(body.count)\r\n" }
        head += "\r\n"
        c.send(Array(head.utf8) + (body ?? []))
        return try c.readResponse(head: method == "HEAD")
    }
}

/// Runs blocking socket code on its own thread: blocking the few cooperative-pool threads
/// would starve the server's async handlers.
func onThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { c in
        Thread { c.resume(with: Result { try body() }) }.start()
    }
}
