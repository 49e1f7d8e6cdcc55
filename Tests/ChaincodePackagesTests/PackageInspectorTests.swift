import Archive
import Foundation
import Testing
@testable import ChaincodePackages
import TestSupport

@Suite("PackageInspector")
struct PackageInspectorTests {
    let inspector = PackageInspector()

    @Test("accepts a package written like the peer CLI (Python tarfile)")
    func cliLikePackage() throws {
        let dir = try TemporaryDirectory()
        let path = try pythonPackage([metadata(), goCode], in: dir)
        let result = try inspector.inspect(fileAt: path)
        #expect(result.metadata == PackageMetadata(type: "golang", path: "github.com/x/basic", label: "basic_1.0"))
        #expect(result.warnings.isEmpty)
        #expect(result.topLevelEntries == ["metadata.json", "code.tar.gz"])
        #expect(result.codeEntries.map(\.name) == ["src/main.go", "src/go.mod"])
        #expect(result.codeEntries[0].size == 13 && result.codeEntries[0].typeFlag == "0")
        #expect(result.connection == nil)
    }

    @Test("extra top-level files are accepted with the peer's warning")
    func extraFileWarning() throws {
        let dir = try TemporaryDirectory()
        let path = try pythonPackage([metadata(), .file("README.md", "hi"), goCode], in: dir)
        let result = try inspector.inspect(fileAt: path)
        #expect(result.warnings == ["Encountered unexpected file 'README.md' in top level of chaincode package"])
    }

    @Test("malformed packages fail with the peer's exact messages", arguments: [
        ([goCode], "did not find any package metadata (missing metadata.json)"),
        ([metadata()], "did not find a code package inside the package"),
        ([.file("x", "y")], "did not find a code package inside the package"),
        ([metadata(label: "-bad"), goCode],
         "invalid label '-bad'. Label must be non-empty, can only consist of alphanumerics, symbols from '.+-_', and can only begin with alphanumerics"),
        ([metadata(label: ""), goCode],
         "invalid label ''. Label must be non-empty, can only consist of alphanumerics, symbols from '.+-_', and can only begin with alphanumerics"),
        ([metadata(), .symlink("link", target: "code.tar.gz"), goCode], "tar entry link is not a regular file, type 50"),
        ([.dir("src/"), metadata(), goCode], "tar entry src/ is not a regular file, type 53"),
        ([.file("metadata.json", #"{"label": 42}"#), goCode],
         "could not unmarshal metadata.json as json: json: cannot unmarshal number into Go struct field ChaincodePackageMetadata.label of type string"),
        ([.file("metadata.json", #"{"label":"x""#), goCode],
         "could not unmarshal metadata.json as json: unexpected end of JSON input"),
        ([.file("metadata.json", "[1]"), goCode],
         "could not unmarshal metadata.json as json: json: cannot unmarshal array into Go value of type persistence.ChaincodePackageMetadata"),
    ]  as [([OuterEntry], String)])
    func malformed(outer: [OuterEntry], message: String) throws {
        let dir = try TemporaryDirectory()
        let path = try pythonPackage(outer, in: dir)
        expectPackageError(.invalidPackage, message) { _ = try inspector.inspect(fileAt: path) }
    }

    @Test("a PAX global header (as git archive writes) is a non-regular entry to the peer")
    func paxGlobalHeader() throws {
        let dir = try TemporaryDirectory()
        let path = try pythonPackage([metadata(), goCode], in: dir, paxGlobalHeader: true)
        expectPackageError(.invalidPackage, "tar entry ././@PaxHeader is not a regular file, type 103") {
            _ = try inspector.inspect(fileAt: path)
        }
    }

    @Test("not gzip, empty and truncated files fail as the peer's gzip reader does")
    func notGzip() throws {
        let dir = try TemporaryDirectory()
        let text = try dir.write(Array("just some text, not a package".utf8), to: "a")
        expectPackageError(.invalidPackage, "error reading as gzip stream: gzip: invalid header") { _ = try inspector.inspect(fileAt: text) }
        let empty = try dir.write([], to: "b")
        expectPackageError(.invalidPackage, "error reading as gzip stream: EOF") { _ = try inspector.inspect(fileAt: empty) }
        let short = try dir.write([0x1f, 0x8b, 8], to: "c")
        expectPackageError(.invalidPackage, "error reading as gzip stream: unexpected EOF") { _ = try inspector.inspect(fileAt: short) }
        let good = try Array(Data(contentsOf: URL(fileURLWithPath: try pythonPackage([metadata(), goCode], in: dir))))
        let cut = try dir.write(Array(good.prefix(good.count / 2)), to: "d")
        #expect(throws: PackageError.self) { _ = try inspector.inspect(fileAt: cut) }
    }

    @Test("metadata.json keys match case-insensitively, unknown keys ignored")
    func caseInsensitiveMetadata() throws {
        let dir = try TemporaryDirectory()
        let path = try pythonPackage([.file("metadata.json", #"{"LABEL":"cc1","Type":"CCAAS","pAtH":"","extra":1}"#),
                                      connectionCode(#"{"address":"cc:9999"}"#)], in: dir)
        let result = try inspector.inspect(fileAt: path)
        #expect(result.metadata == PackageMetadata(type: "CCAAS", path: "", label: "cc1"))
        #expect(result.connection?.address == "cc:9999")
    }

    @Test("code.tar.gz: unsafe names flagged, bomb and non-gzip rejected")
    func codePackageChecks() throws {
        let dir = try TemporaryDirectory()
        let unsafe = try pythonPackage([metadata(), .code([("/etc/passwd", "x"), ("src/../../up", "y")])], in: dir)
        let result = try inspector.inspect(fileAt: unsafe)
        #expect(result.codeEntries.map(\.flags) == [["absolute-path"], ["parent-traversal"]])
        #expect(result.warnings.count == 2)
        let bomb = try pythonPackage([metadata(), .bomb(zeroBytes: 64 << 20)], in: dir, name: "bomb.tar.gz")
        expectPackageError(.invalidCodePackage,
                           "error retrieving DB artifacts from code package: compression ratio exceeds 200:1 (possible decompression bomb)") {
            _ = try inspector.inspect(fileAt: bomb)
        }
        let raw = try pythonPackage([metadata(), .rawCode("this is plainly not gzip data")], in: dir, name: "raw.tar.gz")
        expectPackageError(.invalidCodePackage,
                           "error retrieving DB artifacts from code package: gzip: invalid header") {
            _ = try inspector.inspect(fileAt: raw)
        }
    }

    @Test("ccaas connection.json: the peer's required-field messages and our syntax checks", arguments: [
        (#"{"dial_timeout":"10s"}"#, "chaincode address not provided"),
        (#"{"address":"cc:9999","tls_required":true}"#, "chaincode tls root cert not provided"),
        (#"{"address":"cc:9999","tls_required":true,"client_auth_required":true}"#, "chaincode tls key not provided"),
        (#"{"address":"cc:9999","tls_required":true,"client_auth_required":true,"client_key":"k"}"#, "chaincode tls cert not provided"),
        (#"{"address":"cc:9999","tls_required":true,"root_cert":"nope"}"#, "connection.json root_cert is not a PEM certificate"),
        (#"{"address":"no-port"}"#, "chaincode address 'no-port' is not host:port"),
        (#"{"address":"cc:9999","dial_timeout":"10x"}"#, "invalid dial_timeout '10x': not a Go duration such as \"10s\""),
        (#"{"address":"cc:9999","tls_required":"yes"}"#,
         "could not unmarshal connection.json as json: json: cannot unmarshal string into Go struct field ChaincodeServerUserData.tls_required of type bool"),
    ])
    func connectionErrors(json: String, message: String) throws {
        let dir = try TemporaryDirectory()
        let path = try pythonPackage([metadata(type: "ccaas"), connectionCode(json)], in: dir)
        expectPackageError(.invalidConnection, message) { _ = try inspector.inspect(fileAt: path) }
    }

    @Test("ccaas connection info never exposes the client key")
    func redactsClientKey() throws {
        let json = """
            {"address":"peer0-cc:9999","dial_timeout":3000000000,"tls_required":true,"client_auth_required":true,
             "root_cert":\(GoJSONObject.quote(fakeCertificate)),"client_cert":\(GoJSONObject.quote(fakeCertificate)),
             "client_key":\(GoJSONObject.quote(fakeKey))}
            """
        let dir = try TemporaryDirectory()
        let path = try pythonPackage([metadata(type: "external"), connectionCode(json)], in: dir)
        let result = try inspector.inspect(fileAt: path)
        let info = try #require(result.connection)
        #expect(info.clientKeyPresent && info.dialTimeout == "3000000000" && info.rootCert == fakeCertificate)
        #expect(!info.redactedJSON.contains("c2VjcmV0") && !"\(info)".contains("c2VjcmV0"))
        #expect(info.redactedJSON.contains(#""client_key_present":true"#))
    }

    @Test("ccaas package without connection.json is refused")
    func missingConnection() throws {
        let dir = try TemporaryDirectory()
        let path = try pythonPackage([metadata(type: "ccaas"), goCode], in: dir)
        expectPackageError(.invalidConnection, "connection.json not found at the root of code.tar.gz") {
            _ = try inspector.inspect(fileAt: path)
        }
    }
}

@Suite("PackageInspector streaming")
struct PackageInspectorStreamingTests {
    /// Hands out at most `step` bytes per read.
    final class DripSource: ByteSource {
        let bytes: [UInt8]
        let step: Int
        var offset = 0

        init(_ bytes: [UInt8], step: Int) {
            self.bytes = bytes
            self.step = step
        }

        func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
            let n = min(step, buffer.count, bytes.count - offset)
            for i in 0..<max(n, 0) { buffer[i] = bytes[offset + i] }
            offset += max(n, 0)
            return max(n, 0)
        }
    }

    @Test("the same inspection whatever the read sizes of the file stream")
    func dripFed() throws {
        let built = try CCaaSPackageBuilder().build(CCaaSPackageBuilderTests.tlsInput)
        let whole = try PackageInspector().inspect(bytes: built.bytes)
        for step in [1, 3, 10, 511, 4096] {
            #expect(try PackageInspector().inspect(source: DripSource(built.bytes, step: step)) == whole)
        }
    }
}
