// libFuzzer target: Archive's gzip and tar readers under ChaincodePackages' PackageInspector,
// fed as a chaincode install package. Built by scripts/fuzz.sh.
//
// The first byte picks how the rest is used, so mutations reach past gzip's CRC:
//   0: the outer tar, uncompressed (gzipped here before inspection; also read with TarReader);
//   1: code.tar.gz's tar, uncompressed (wrapped here in a valid ccaas package);
//   2: the package file as is (gzip header, deflate, trailer, concatenated members).
//
// Invariants checked, beyond "does not crash":
// - inspection either succeeds or throws PackageError (nothing else escapes to the API);
// - a successful inspection found metadata.json and code.tar.gz, the label is valid, and a
//   ccaas/external package has its connection; inspecting again gives the same result;
// - gzip round trip: GzipReader(GzipCompressor(x)) == x;
// - TarReader: an entry's contents, when read, are exactly its size.
import Archive
import ChaincodePackages
import Foundation

let limits = PackageLimits(maxPackageBytes: 1 << 20, maxSmallFileBytes: 64 << 10, maxCodeEntries: 1000,
                           gzip: GzipLimits(maxDecompressedBytes: 8 << 20, maxRatio: 200, ratioGraceBytes: 1 << 20))

func check(_ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String) {
    if !condition() { fatalError("Invariant failed: \(message())") }
}

func wrapCode(_ codeTar: [UInt8]) -> [UInt8] {
    var outer = TarWriter()
    try! outer.appendFile(name: "metadata.json", contents: Array(#"{"type":"ccaas","label":"fuzz_1.0"}"#.utf8))
    try! outer.appendFile(name: "code.tar.gz", contents: GzipCompressor.compress(codeTar, level: 1))
    return GzipCompressor.compress(outer.finish(), level: 1)
}

func inspect(_ package: [UInt8]) -> PackageInspection? {
    do {
        return try PackageInspector(limits: limits).inspect(bytes: package)
    } catch is PackageError {
        return nil
    } catch {
        fatalError("Invariant failed: inspection threw \(type(of: error)): \(error)")
    }
}

/// Reads every entry of an uncompressed tar; contents read are exactly the entry's size.
func readTar(_ bytes: [UInt8]) {
    let tar = TarReader(source: MemoryByteSource(bytes))
    for _ in 0..<1000 {
        guard let entry = try? tar.next() else { return }
        guard let contents = try? tar.readContents(of: entry, limit: 1 << 20) else { continue }
        let headerOnly = Array("123456".utf8).contains(entry.typeFlag)
        check(headerOnly ? contents.isEmpty : Int64(contents.count) == entry.size,
              "entry \(entry.name): read \(contents.count) bytes, size \(entry.size)")
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard size > 0, let data else { return 0 }
    let rest = Array(UnsafeBufferPointer(start: data + 1, count: size - 1))
    let package: [UInt8]
    switch data[0] % 3 {
    case 0:
        readTar(rest)
        package = GzipCompressor.compress(rest, level: 1)
        check((try? GzipReader.decompress(package)) == rest, "gzip round trip")
    case 1: package = wrapCode(rest)
    default: package = rest
    }
    guard let inspection = inspect(package) else { return 0 }
    check(inspection.topLevelEntries.contains("metadata.json") && inspection.topLevelEntries.contains("code.tar.gz"),
          "accepted without metadata.json and code.tar.gz: \(inspection.topLevelEntries)")
    check((try? PackageMetadata.validate(label: inspection.metadata.label)) != nil, "accepted an invalid label")
    if ["ccaas", "external"].contains(inspection.metadata.type.lowercased()) {
        check(inspection.connection != nil, "a \(inspection.metadata.type) package accepted without its connection")
    }
    check(inspect(package) == inspection, "a second inspection differs")
    return 0
}

// MARK: Seeds (scripts/fuzz.sh --seeds): a package built by the project's own builder.

@_cdecl("LLVMFuzzerInitialize")
public func fuzzInitialize(_ argc: UnsafeMutablePointer<CInt>?, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>?) -> CInt {
    guard let dir = ProcessInfo.processInfo.environment["FUZZ_WRITE_SEEDS"] else { return 0 }
    let input = CCaaSPackageBuilder.Input(
        label: "basic_1.0", address: "{{.peername}}-basic:7052", dialTimeout: "10s", tlsRequired: true,
        rootCert: "-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUZmFrZQ==\n-----END CERTIFICATE-----\n",
        couchDBIndexes: ["indexOwner": #"{"index":{"fields":["docType","owner"]},"ddoc":"indexOwnerDoc","name":"indexOwner","type":"json"}"#])
    let built = try! CCaaSPackageBuilder().build(input)
    let outerTar = try! GzipReader.decompress(built.bytes)
    let tar = TarReader(source: MemoryByteSource(outerTar))
    var codeTar: [UInt8] = []
    while let entry = try! tar.next() {
        if entry.name == "code.tar.gz" { codeTar = try! GzipReader.decompress(tar.readContents(of: entry, limit: 1 << 20)) }
    }
    let seeds: [String: [UInt8]] = ["outer-tar": [0] + outerTar, "code-tar": [1] + codeTar, "ccaas-package": [2] + built.bytes]
    for (name, bytes) in seeds {
        _ = FileManager.default.createFile(atPath: "\(dir)/seed-\(name)", contents: Data(bytes))
    }
    exit(0)
}
