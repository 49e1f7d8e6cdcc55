import Foundation
import Testing
@testable import ChaincodePackages
import TestSupport

@Suite("PackageStagingFile")
struct PackageStagingFileTests {
    @Test("streams chunks to disk, hashes on the fly, commits to packages/<sha256>.tar.gz")
    func commit() throws {
        let dir = try TemporaryDirectory()
        let packages = dir.url.appendingPathComponent("packages")
        let staged = try PackageStagingFile(directory: packages, maxBytes: 10 << 20)
        var chunk = [UInt8](repeating: 0, count: 65_536)
        for i in 0..<80 {
            for j in chunk.indices { chunk[j] = UInt8(truncatingIfNeeded: i &* 31 &+ j) }
            try staged.append(chunk)
        }
        #expect(FileManager.default.fileExists(atPath: staged.tempPath))
        let sha = staged.finish()
        let finalPath = try staged.commit()
        #expect(finalPath == packages.appendingPathComponent("\(sha).tar.gz").path)
        #expect(!FileManager.default.fileExists(atPath: staged.tempPath))
        let sum = try run(["sha256sum", finalPath], in: dir.url).prefix(64)
        #expect(String(sum) == sha)
        #expect(staged.size == 80 * 65_536)
    }

    @Test("exceeding the size limit throws tooLarge and removes the temp file")
    func tooLarge() throws {
        let dir = try TemporaryDirectory()
        let staged = try PackageStagingFile(directory: dir.url, maxBytes: 1000)
        try staged.append([UInt8](repeating: 1, count: 600))
        expectPackageError(.tooLarge, "chaincode package is larger than the limit of 1000 bytes") {
            try staged.append([UInt8](repeating: 1, count: 600))
        }
        #expect(!FileManager.default.fileExists(atPath: staged.tempPath))
        #expect(dir.files(in: ".").isEmpty)
    }

    @Test("discard and deinit remove the temp file")
    func discard() throws {
        let dir = try TemporaryDirectory()
        let staged = try PackageStagingFile(directory: dir.url, maxBytes: 1000)
        try staged.append([1, 2, 3])
        staged.discard()
        staged.discard()
        #expect(dir.files(in: ".").isEmpty)
        do {
            let other = try PackageStagingFile(directory: dir.url, maxBytes: 1000)
            try other.append([1])
            #expect(dir.files(in: ".").count == 1)
        }
        #expect(dir.files(in: ".").isEmpty)
    }
}
