import Testing
import Archive
import Foundation
import TestSupport
@testable import ChaincodePackages

let migrationsDirectory = repositoryRoot.appendingPathComponent("migrations")

/// Runs a command in `directory`, returning stdout; throws on non-zero exit.
@discardableResult
func run(_ arguments: [String], in directory: URL) throws -> String {
    try runCommand(arguments, in: directory).checked().text
}

/// A Python script that writes packages the way `peer lifecycle chaincode package` does:
/// a gzip'd tar with metadata.json then code.tar.gz (mode 0o100644), or variations of it.
/// argv: output path, then a JSON spec {"outer": [[name, kind, payload]...]} where kind is
/// "file" (payload: text), "code" (payload: [[name, text]...] gzip-tarred), "symlink", "dir".
let pythonPackager = #"""
import io, json, os, sys, tarfile, gzip
out, spec = sys.argv[1], json.loads(sys.argv[2])
def tar_bytes(entries, gz=True):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode='w', format=tarfile.USTAR_FORMAT) as t:
        for name, data in entries:
            data = data.encode() if isinstance(data, str) else bytes(data)
            i = tarfile.TarInfo(name); i.size = len(data); i.mode = 0o100644
            t.addfile(i, io.BytesIO(data))
    raw = buf.getvalue()
    return gzip.compress(raw, mtime=0) if gz else raw
outer = io.BytesIO()
extra = {'format': tarfile.PAX_FORMAT, 'pax_headers': {'comment': 'global'}} if spec.get('global') else {'format': tarfile.USTAR_FORMAT}
with tarfile.open(fileobj=outer, mode='w', **extra) as t:
    for name, kind, payload in spec['outer']:
        i = tarfile.TarInfo(name); i.mode = 0o100644
        if kind == 'file': data = payload.encode()
        elif kind == 'code': data = tar_bytes(payload)
        elif kind == 'bomb': data = gzip.compress(tar_bytes([['zeros', '\0' * payload]], gz=False), 9)
        elif kind == 'rawcode': data = payload.encode()
        elif kind == 'random': data = tar_bytes([['src/blob.bin', os.urandom(payload)]])
        elif kind == 'symlink': i.type = tarfile.SYMTYPE; i.linkname = payload; data = b''
        elif kind == 'dir': i.type = tarfile.DIRTYPE; i.mode = 0o40755; data = b''
        i.size = len(data)
        t.addfile(i, io.BytesIO(data) if data else None)
open(out, 'wb').write(gzip.compress(outer.getvalue(), mtime=0))
"""#

/// One top-level entry of a Python-built package.
enum OuterEntry: Sendable {
    case file(String, String)
    case code(name: String = "code.tar.gz", [(String, String)])
    case bomb(zeroBytes: Int)
    case rawCode(String)
    case symlink(String, target: String)
    case dir(String)
    /// code.tar.gz holding `bytes` random (incompressible) bytes.
    case randomCode(bytes: Int)

    var json: [Any] {
        switch self {
        case .file(let name, let text): return [name, "file", text]
        case .code(let name, let files): return [name, "code", files.map { [$0.0, $0.1] }]
        case .bomb(let count): return ["code.tar.gz", "bomb", count]
        case .rawCode(let text): return ["code.tar.gz", "rawcode", text]
        case .symlink(let name, let target): return [name, "symlink", target]
        case .dir(let name): return [name, "dir", ""]
        case .randomCode(let count): return ["code.tar.gz", "random", count]
        }
    }
}

/// Writes a package with the Python packager; returns its path.
func pythonPackage(_ outer: [OuterEntry], in dir: TemporaryDirectory, name: String = "p.tar.gz",
                   paxGlobalHeader: Bool = false) throws -> String {
    let spec = try JSONSerialization.data(withJSONObject: ["outer": outer.map(\.json), "global": paxGlobalHeader] as [String: Any])
    try run([pythonInterpreter(), "-c", pythonPackager, dir.path(name), String(decoding: spec, as: UTF8.self)], in: dir.url)
    return dir.path(name)
}

func metadata(label: String = "basic_1.0", type: String = "golang", path: String = "github.com/x/basic") -> OuterEntry {
    .file("metadata.json", #"{"path":"\#(path)","type":"\#(type)","label":"\#(label)"}"#)
}

let goCode = OuterEntry.code([("src/main.go", "package main\n"), ("src/go.mod", "module x\n")])

func connectionCode(_ json: String) -> OuterEntry { .code([("connection.json", json)]) }

/// Syntactically valid PEM blocks (random base64 bodies; only the shape is checked).
let fakeCertificate = "-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUQ2Vy\ndGlmaWNhdGVib2R5\n-----END CERTIFICATE-----\n"
let fakeKey = "-----BEGIN PRIVATE KEY-----\nc2VjcmV0LWtleS1ieXRlcw==\n-----END PRIVATE KEY-----\n"

func expectPackageError(_ kind: PackageError.Kind, _ message: String, _ body: () throws -> Void,
                        sourceLocation: SourceLocation = #_sourceLocation) {
    do {
        try body()
        Issue.record("expected \(kind): \(message)", sourceLocation: sourceLocation)
    } catch let error as PackageError {
        #expect(error.kind == kind, sourceLocation: sourceLocation)
        #expect(error.message == message, sourceLocation: sourceLocation)
    } catch {
        Issue.record("unexpected error \(error)", sourceLocation: sourceLocation)
    }
}

