import Foundation
import Glibc

/// A deliberately simple blocking HTTP/1.1 client over a raw socket, for tests.
final class TestClient: @unchecked Sendable {
    let fd: Int32
    private var buffer: [UInt8] = []

    struct Response {
        var status: Int
        var headers: [String: String]
        var body: [UInt8]
        var text: String { String(decoding: body, as: UTF8.self) }
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
        let rc = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        if rc != 0 { close(fd); throw Closed() }
    }

    deinit { close(fd) }

    func send(_ text: String) throws { try send(Array(text.utf8)) }

    func send(_ bytes: [UInt8]) throws {
        var off = 0
        while off < bytes.count {
            let n = bytes[off...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            if n <= 0 { throw Closed() }
            off += n
        }
    }

    /// Reads more bytes; false on EOF or timeout.
    private func fill() -> Bool {
        var chunk = [UInt8](repeating: 0, count: 65536)
        let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, 65536) }
        if n <= 0 { return false }
        buffer.append(contentsOf: chunk[0..<n])
        return true
    }

    /// True once the server has closed the connection (EOF) with nothing more to read.
    func isClosedByServer() -> Bool {
        while fill() {}
        return true
    }

    /// Reads one response (Content-Length or chunked). `head: true` for responses to HEAD.
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
            headers[p[0].lowercased()] = p[1].trimmingCharacters(in: .whitespaces)
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

    /// Reads one SSE-style chunk of a chunked body (tests of streaming responses).
    func readChunk() throws -> [UInt8] {
        while buffer.firstRange(of: Array("\r\n".utf8)) == nil { guard fill() else { throw Closed() } }
        let r = buffer.firstRange(of: Array("\r\n".utf8))!
        let size = Int(String(decoding: buffer[..<r.lowerBound], as: UTF8.self), radix: 16)!
        buffer.removeFirst(r.upperBound)
        while buffer.count < size + 2 { guard fill() else { throw Closed() } }
        let chunk = Array(buffer[..<size])
        buffer.removeFirst(size + 2)
        return chunk
    }

    static func get(_ path: String, port: Int) throws -> Response {
        let c = try TestClient(port: port)
        try c.send("GET \(path) HTTP/1.1\r\nHost: t\r\n\r\n")
        return try c.readResponse()
    }
}
