import Foundation
import Glibc

/// A deliberately simple blocking HTTP/1.1 client over a raw socket to 127.0.0.1, for tests.
/// Blocking: call it through `onThread`, never on the cooperative pool. One thread at a time.
public final class TestClient: @unchecked Sendable {
    /// The connected socket.
    public let fd: Int32
    private var buffer: [UInt8] = []

    /// The connection failed, was closed, or timed out; `reason` says which.
    public struct Closed: Error, CustomStringConvertible {
        public var reason: String
        public init(_ reason: String = "closed") { self.reason = reason }
        public var description: String { "connection \(reason)" }
    }
    private let timeoutSeconds: Int
    /// Why the last read returned nothing: end of stream, a timeout or an error.
    private var readFailure = "closed by the server"

    /// Connects to `port`; reads and writes time out after `timeoutSeconds` (30 by default: a full
    /// parallel test run on two cores has stalled an answer past 10 s).
    public init(port: Int, timeoutSeconds: Int = 30) throws {
        self.timeoutSeconds = timeoutSeconds
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
        // No close here: the object is fully initialized, so throwing runs `deinit`, which
        // closes the socket. Closing it here too closed whatever descriptor another thread
        // had opened under the same number meanwhile (a libdispatch crash, EBADF elsewhere).
        if rc != 0 { throw Closed("to port \(port) failed: \(String(cString: strerror(errno)))") }
    }

    deinit { close(fd) }

    /// Sends `text` as UTF-8; see `send(_:allowingEarlyClose:)`.
    public func send(_ text: String, allowingEarlyClose: Bool = false) throws {
        try send(Array(text.utf8), allowingEarlyClose: allowingEarlyClose)
    }

    /// Sends all of `bytes`; throws `Closed` if the connection breaks first. With
    /// `allowingEarlyClose`, a server that answers early (413) and closes may cut the body short
    /// without an error: the response is what the test checks.
    public func send(_ bytes: [UInt8], allowingEarlyClose: Bool = false) throws {
        var off = 0
        while off < bytes.count {
            let n = bytes[off...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n <= 0 {
                if allowingEarlyClose { return }
                throw Closed(errno == EAGAIN || errno == EWOULDBLOCK ? "timed out writing after \(timeoutSeconds) s"
                             : "broken while writing: \(String(cString: strerror(errno)))")
            }
            off += n
        }
    }

    /// Reads more bytes; false on EOF or timeout.
    private func fill() -> Bool {
        var chunk = [UInt8](repeating: 0, count: 65536)
        let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, 65536) }
        if n < 0 {
            readFailure = errno == EAGAIN || errno == EWOULDBLOCK ? "timed out reading after \(timeoutSeconds) s"
                : "broken while reading: \(String(cString: strerror(errno)))"
        }
        if n <= 0 { return false }
        buffer.append(contentsOf: chunk[0..<n])
        return true
    }

    /// True once the server has closed the connection (EOF) with nothing more to read.
    public func isClosedByServer() -> Bool {
        while fill() {}
        return true
    }

    /// Reads one response (Content-Length or chunked); a 100 Continue is skipped.
    /// `head: true` for responses to HEAD (no body).
    public func readResponse(head: Bool = false) throws -> Response {
        let (status, headers) = try readHead()
        if status == 100 { return try readResponse(head: head) }
        var body: [UInt8] = []
        if head || status == 304 || status == 204 {
        } else if headers["transfer-encoding"] == "chunked" {
            while true {
                let chunk = try readChunk()
                body.append(contentsOf: chunk)
                if chunk.isEmpty { break }
            }
        } else if let length = headers["content-length"].flatMap({ Int($0) }) {
            while buffer.count < length { guard fill() else { throw Closed(readFailure) } }
            body = Array(buffer[..<length])
            buffer.removeFirst(length)
        }
        return Response(status: status, headers: headers, body: body)
    }

    /// Reads a status line and header block; names lower-cased.
    private func readHead() throws -> (Int, [String: String]) {
        var end: Int?
        while end == nil {
            if let r = buffer.firstRange(of: Array("\r\n\r\n".utf8)) { end = r.upperBound; break }
            guard fill() else { throw Closed(readFailure) }
        }
        let headText = String(decoding: buffer[..<end!], as: UTF8.self)
        buffer.removeFirst(end!)
        var lines = headText.components(separatedBy: "\r\n")
        let status = Int(lines.removeFirst().split(separator: " ")[1])!
        var headers: [String: String] = [:]
        for line in lines where !line.isEmpty {
            let p = line.split(separator: ":", maxSplits: 1)
            headers[p[0].lowercased()] = p.count > 1 ? p[1].trimmingCharacters(in: .whitespaces) : ""
        }
        return (status, headers)
    }

    /// Reads one chunk of a chunked body (streaming responses); empty for the last chunk.
    public func readChunk() throws -> [UInt8] {
        while buffer.firstRange(of: Array("\r\n".utf8)) == nil { guard fill() else { throw Closed(readFailure) } }
        let r = buffer.firstRange(of: Array("\r\n".utf8))!
        let size = Int(String(decoding: buffer[..<r.lowerBound], as: UTF8.self), radix: 16)!
        buffer.removeFirst(r.upperBound)
        while buffer.count < size + 2 { guard fill() else { throw Closed(readFailure) } }
        let chunk = Array(buffer[..<size])
        buffer.removeFirst(size + 2)
        return chunk
    }

    /// The stream ended (or timed out) before the awaited text arrived.
    public struct EndedBefore: Error, CustomStringConvertible {
        /// The awaited text.
        public let marker: String
        /// Everything received.
        public let received: String
        public var description: String { "stream ended before '\(marker)': \(received)" }
    }

    /// Reads raw bytes until their text contains `marker`; returns everything read so far as
    /// text (head and body alike). Throws `EndedBefore` if the stream ends first.
    public func readText(until marker: String) throws -> String {
        while !String(decoding: buffer, as: UTF8.self).contains(marker) {
            guard fill() else { throw EndedBefore(marker: marker, received: String(decoding: buffer, as: UTF8.self)) }
        }
        defer { buffer.removeAll() }
        return String(decoding: buffer, as: UTF8.self)
    }

    /// One request on a fresh connection (`Connection: close`; `Content-Length` when there is a body).
    public static func request(port: Int, method: String, path: String, headers: [(String, String)] = [],
                               body: [UInt8]? = nil, timeoutSeconds: Int = 30) throws -> Response {
        let c = try TestClient(port: port, timeoutSeconds: timeoutSeconds)
        var head = "\(method) \(path) HTTP/1.1\r\nHost: test\r\nConnection: close\r\n"
        for (k, v) in headers { head += "\(k): \(v)\r\n" }
        if let body { head += "Content-Length: \(body.count)\r\n" }
        head += "\r\n"
        try c.send(Array(head.utf8) + (body ?? []), allowingEarlyClose: true)
        return try c.readResponse(head: method == "HEAD")
    }

    /// A keep-alive `GET path` on a fresh connection.
    public static func get(_ path: String, port: Int) throws -> Response {
        let c = try TestClient(port: port)
        try c.send("GET \(path) HTTP/1.1\r\nHost: t\r\n\r\n")
        return try c.readResponse()
    }
}
