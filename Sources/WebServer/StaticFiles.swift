import EventLoop
import Foundation
import HTTP1
import SystemIO

/// Serves files for GET/HEAD, either below one directory, from a small in-memory cache
/// revalidated at most once a second (so the event loop only touches disk through the async
/// path), or from a fixed set of files held in memory (the dashboard compiled into the binary).
/// No request can reach outside the root: `..`/`.` segments, encoded slashes, NUL and
/// backslashes are refused, and the resolved real path (symlinks followed) must stay inside.
public final class StaticFiles: Sendable {
    /// The directory served (its real path); nil when serving files held in memory.
    public let root: String?
    /// Largest file served: the dashboard's assets are far smaller; anything bigger is a mistake.
    public static let maxFileBytes = 8 << 20
    /// A cached entry is trusted without a stat for this long.
    static let revalidateNanos: UInt64 = 1_000_000_000

    struct Entry: Sendable {
        let bytes: [UInt8]
        let etag: String
        let contentType: String
        let modified: TimeInterval
        var checkedAt: UInt64
    }

    private let cache = Locked<[String: Entry]>([:])
    /// The files served from memory, by relative path; empty when serving a directory.
    private let memory: [String: Entry]

    /// `root` must exist; it is resolved once to its real path.
    public init(root: String) throws {
        guard let real = Self.realPath(root) else {
            throw HTTPError(status: 500, code: "config", message: "public directory '\(root)' does not exist")
        }
        self.root = real
        self.memory = [:]
    }

    /// Serves `files` (relative path such as `js/app.js` -> bytes) from memory; a path naming a
    /// directory serves its `index.html`, as on disk.
    public init(files: [String: [UInt8]]) {
        self.root = nil
        self.memory = files.reduce(into: [:]) { entries, file in
            precondition(file.value.count <= Self.maxFileBytes, "embedded file '\(file.key)' is larger than maxFileBytes")
            // No modification time in memory: the content's FNV-1a hash makes the ETag.
            let etag = "\"\(String(file.value.count, radix: 16))-\(String(Self.fnv1a(file.value), radix: 16))\""
            entries[file.key] = Entry(bytes: file.value, etag: etag, contentType: Self.contentType(for: file.key),
                                      modified: 0, checkedAt: 0)
        }
    }

    /// Fast path on the loop: a fresh cached entry (or a file held in memory), or nil to take
    /// the async path.
    func cachedResponse(for request: Request) -> Response? {
        guard let rel = Self.relativePath(request.path) else { return nil }
        if root == nil { return memoryEntry(rel).map { respond($0, request) } }
        guard let e = cache.withLock({ $0[rel] }), Sys.monotonicNanos() &- e.checkedAt < Self.revalidateNanos else { return nil }
        return respond(e, request)
    }

    /// Slow path, off the loop: resolve, stat, (re)load.
    public func serve(_ request: Request) async throws -> Response {
        guard let rel = Self.relativePath(request.path) else { throw HTTPError.notFound("no such file") }
        guard let root else {
            guard let e = memoryEntry(rel) else { throw HTTPError.notFound("no such file") }
            return respond(e, request)
        }
        var candidate = root + "/" + rel
        var isDir: ObjCBool = false
        if FileManager.default.fileExists(atPath: candidate, isDirectory: &isDir), isDir.boolValue {
            candidate += "/index.html"
        }
        guard let real = Self.realPath(candidate), real.hasPrefix(root + "/") else { throw HTTPError.notFound("no such file") }
        // A file that vanished or cannot be read since `realPath` is simply not found.
        let attrs = try? FileManager.default.attributesOfItem(atPath: real)
        guard let attrs, (attrs[.type] as? FileAttributeType) == .typeRegular,
              let size = attrs[.size] as? Int, size <= Self.maxFileBytes,
              let mtime = (attrs[.modificationDate] as? Date)?.timeIntervalSince1970 else {
            throw HTTPError.notFound("no such file")
        }
        let now = Sys.monotonicNanos()
        let unchanged = cache.withLock { entries -> Entry? in
            guard var e = entries[rel], e.modified == mtime, e.bytes.count == size else { return nil }
            e.checkedAt = now
            entries[rel] = e
            return e
        }
        if let unchanged { return respond(unchanged, request) }
        guard let data = FileManager.default.contents(atPath: real) else { throw HTTPError.notFound("no such file") }
        let bytes = [UInt8](data)
        let etag = "\"\(String(bytes.count, radix: 16))-\(String(Int(mtime * 1000), radix: 16))\""
        let e = Entry(bytes: bytes, etag: etag, contentType: Self.contentType(for: real), modified: mtime, checkedAt: now)
        cache.withLock { $0[rel] = e }
        return respond(e, request)
    }

    private func memoryEntry(_ rel: String) -> Entry? {
        memory[rel] ?? memory[rel + "/index.html"]
    }

    /// 64-bit FNV-1a: a cheap content hash for the ETag of a file held in memory.
    static func fnv1a(_ bytes: [UInt8]) -> UInt64 {
        bytes.reduce(0xcbf2_9ce4_8422_2325 as UInt64) { ($0 ^ UInt64($1)) &* 0x100_0000_01b3 }
    }

    private func respond(_ e: Entry, _ request: Request) -> Response {
        var headers = HTTPHeaders([("ETag", e.etag), ("Cache-Control", "no-cache")])
        if let inm = request.headers["If-None-Match"], inm.split(separator: ",").contains(where: { $0.trimmingCharacters(in: .whitespaces) == e.etag || $0 == "*" }) {
            return Response(status: 304, headers: headers)
        }
        headers.add("Content-Type", e.contentType)
        headers.add("X-Content-Type-Options", "nosniff")
        return Response(status: 200, headers: headers, body: .bytes(e.bytes))
    }

    /// The safe relative path for a raw request path, or nil when it could escape the root.
    static func relativePath(_ rawPath: String) -> String? {
        var parts: [String] = []
        for raw in rawPath.split(separator: "/", omittingEmptySubsequences: true) {
            // Byte checks: Foundation's String.contains(String) would go through CFStringFind.
            guard let seg = PercentDecoding.decode(raw), !seg.isEmpty, seg.utf8.first != UInt8(ascii: "."),
                  !seg.utf8.contains(where: { $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "\\") || $0 == 0 })
            else { return nil }
            parts.append(seg)
        }
        return parts.isEmpty ? "index.html" : parts.joined(separator: "/")
    }

    static func realPath(_ path: String) -> String? {
        guard let p = realpath(path, nil) else { return nil }
        defer { free(p) }
        return String(cString: p)
    }

    static func contentType(for path: String) -> String {
        switch (path as NSString).pathExtension.lowercased() {
        case "html": return "text/html; charset=utf-8"
        case "js", "mjs": return "text/javascript; charset=utf-8"
        case "css": return "text/css; charset=utf-8"
        case "json": return "application/json"
        case "svg": return "image/svg+xml"
        case "png": return "image/png"
        case "ico": return "image/x-icon"
        case "txt", "sh": return "text/plain; charset=utf-8"
        case "yaml", "yml": return "application/yaml"
        case "gz": return "application/gzip"
        default: return "application/octet-stream"
        }
    }
}
