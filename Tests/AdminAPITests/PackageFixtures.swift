import Archive
import Foundation
import TestSupport

/// Install packages shaped like `peer lifecycle chaincode package` output (metadata.json, then
/// code.tar.gz), and variations the peer refuses.
enum PackageFixtures {
    static func code(_ files: [(String, String)]) throws -> [UInt8] {
        var tar = TarWriter()
        for (name, text) in files { try tar.appendFile(name: name, contents: Array(text.utf8)) }
        return GzipCompressor.compress(tar.finish())
    }

    static func metadata(label: String, type: String = "golang", path: String = "github.com/example/cc") -> String {
        #"{"path":"\#(path)","type":"\#(type)","label":"\#(label)"}"#
    }

    /// A golang package; `variant` changes the code so that two calls give different bytes.
    static func golang(label: String, variant: String = "1") throws -> [UInt8] {
        var outer = TarWriter()
        try outer.appendFile(name: "metadata.json", contents: Array(metadata(label: label).utf8))
        try outer.appendFile(name: "code.tar.gz", contents: try code([
            ("src/go.mod", "module github.com/example/cc\n"),
            ("src/main.go", "package main\n// variant \(variant)\nfunc main() {}\n"),
        ]))
        return GzipCompressor.compress(outer.finish())
    }

    /// code.tar.gz only: the peer says "did not find any package metadata (missing metadata.json)".
    static func withoutMetadata() throws -> [UInt8] {
        var outer = TarWriter()
        try outer.appendFile(name: "code.tar.gz", contents: try code([("src/main.go", "package main\n")]))
        return GzipCompressor.compress(outer.finish())
    }

    /// A multipart/form-data body with a text field before the `file` part.
    static func multipart(file: [UInt8], boundary: String) -> [UInt8] {
        var body = Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nnot the package\r\n".utf8)
        body += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"cc.tar.gz\"\r\n".utf8)
        body += Array("Content-Type: application/gzip\r\n\r\n".utf8)
        body += file
        body += Array("\r\n--\(boundary)--\r\n".utf8)
        return body
    }

    /// Incompressible filler bytes.
    static func noise(count: Int) -> [UInt8] {
        var rng = SystemRandomNumberGenerator()
        return (0..<count).map { _ in UInt8.random(in: 0...255, using: &rng) }
    }

    /// SHA-256 computed by `sha256sum`, independently of the gateway's own hashing. Blocking.
    static func sha256sum(_ bytes: [UInt8]) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("sum-\(UUID().uuidString)").path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        return String(try runCommand(["sha256sum", path]).text.prefix(64))
    }

    /// A package written by Python's tarfile/gzip, independently of the gateway's Archive
    /// module, as `peer lifecycle chaincode package` lays it out. Blocking.
    static func pythonPackage(label: String) throws -> [UInt8] {
        let script = """
            import io, sys, tarfile, gzip, json
            def tar(entries):
                buf = io.BytesIO()
                with tarfile.open(fileobj=buf, mode='w', format=tarfile.USTAR_FORMAT) as t:
                    for name, data in entries:
                        i = tarfile.TarInfo(name); i.size = len(data); i.mode = 0o100644
                        t.addfile(i, io.BytesIO(data))
                return gzip.compress(buf.getvalue(), mtime=0)
            meta = json.dumps({"path": "github.com/example/py", "type": "golang", "label": sys.argv[2]}).encode()
            code = tar([("src/main.go", b"package main\\nfunc main() {}\\n")])
            open(sys.argv[1], 'wb').write(tar([("metadata.json", meta), ("code.tar.gz", code)]))
            """
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("py-\(UUID().uuidString).tar.gz").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let result = try runCommand([pythonInterpreter(), "-c", script, path, label])
        guard result.status == 0 else { throw FixtureError(message: "python packager exited \(result.status)") }
        return Array(try Data(contentsOf: URL(fileURLWithPath: path)))
    }
}

struct FixtureError: Error {
    let message: String
}
