import Foundation
import Testing
@testable import Archive
import TestSupport

@Suite("Gzip")
struct GzipTests {
    static let sample: [UInt8] = (0..<200_000).map { UInt8(truncatingIfNeeded: $0 &* 2654435761 >> 13) }

    @Test("round-trips, including empty input")
    func roundTrip() throws {
        for input in [Self.sample, [], Array("hello".utf8)] {
            #expect(try GzipReader.decompress(GzipCompressor.compress(input)) == input)
        }
    }

    @Test("compression is deterministic with Go's header: mtime 0, no name, OS 255")
    func deterministic() throws {
        let a = GzipCompressor.compress(Self.sample)
        #expect(a == GzipCompressor.compress(Self.sample))
        #expect(Array(a.prefix(10)) == [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 255])
    }

    @Test("our output is readable by system gzip, and system gzip output by us")
    func interoperates() throws {
        let dir = try TemporaryDirectory()
        let ours = GzipCompressor.compress(Self.sample)
        #expect(try run(["gzip", "-dc"], in: dir.url, stdin: ours) == Self.sample)
        let theirs = try run(["gzip", "-c", "-9"], in: dir.url, stdin: Self.sample)
        #expect(try GzipReader.decompress(theirs) == Self.sample)
    }

    @Test("concatenated members decompress as one stream (multistream, like Go)")
    func multistream() throws {
        let joined = GzipCompressor.compress(Array("ab".utf8)) + GzipCompressor.compress(Array("cd".utf8))
        #expect(try GzipReader.decompress(joined) == Array("abcd".utf8))
    }

    @Test("decompresses identically when fed one byte at a time")
    func dripFeed() throws {
        let compressed = GzipCompressor.compress(Self.sample)
        let reader = GzipReader(source: DripByteSource(compressed))
        #expect(try reader.readAll(limit: .max) { .unexpectedEOF } == Self.sample)
    }

    @Test("clear errors: not gzip, empty, truncated, bad checksum, trailing garbage")
    func errors() throws {
        #expect(throws: ArchiveError.invalidGzipHeader) { try GzipReader.decompress(Array("PK\u{3}\u{4}not gzip at all".utf8)) }
        #expect(throws: ArchiveError.emptyStream) { try GzipReader.decompress([]) }
        let good = GzipCompressor.compress(Self.sample)
        #expect(throws: ArchiveError.unexpectedEOF) { try GzipReader.decompress(Array(good.dropLast(20))) }
        var badCRC = good
        badCRC[badCRC.count - 6] ^= 0xff
        #expect(throws: ArchiveError.invalidGzipChecksum) { try GzipReader.decompress(badCRC) }
        #expect(throws: ArchiveError.invalidGzipHeader) { try GzipReader.decompress(good + Array("junk".utf8)) }
        #expect("\(ArchiveError.invalidGzipHeader)" == "gzip: invalid header")
    }

    @Test("decompression bomb: ratio and absolute limits stop early")
    func bombLimits() throws {
        let zeros = [UInt8](repeating: 0, count: 32 << 20)
        let bomb = GzipCompressor.compress(zeros, level: 9)
        #expect(bomb.count < 100_000)
        #expect(throws: ArchiveError.compressionRatioExceeded(limit: 200)) { try GzipReader.decompress(bomb) }
        let strict = GzipLimits(maxDecompressedBytes: 100_000, maxRatio: 1_000_000)
        #expect(throws: ArchiveError.decompressedSizeLimitExceeded(limit: 100_000)) {
            try GzipReader.decompress(GzipCompressor.compress(Self.sample), limits: strict)
        }
        let reader = GzipReader(source: MemoryByteSource(bomb))
        #expect(throws: ArchiveError.self) { try reader.drain() }
        #expect(reader.totalOut < 4 << 20)  // stopped long before 32 MiB
    }
}
