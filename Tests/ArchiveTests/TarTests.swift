import Foundation
import Testing
@testable import Archive
import TestSupport

@Suite("Tar")
struct TarTests {
    static let longName = "src/" + String(repeating: "deep/", count: 30) + "file-with-a-long-name.go"

    /// A tree with a regular file, a long path, a directory and a symlink.
    static func makeTree(in dir: TemporaryDirectory) throws {
        let fm = FileManager.default
        try fm.createDirectory(atPath: dir.path("tree/" + (longName as NSString).deletingLastPathComponent),
                               withIntermediateDirectories: true)
        try "package main\n".write(toFile: dir.path("tree/main.go"), atomically: true, encoding: .utf8)
        try "long\n".write(toFile: dir.path("tree/" + longName), atomically: true, encoding: .utf8)
        try fm.createSymbolicLink(atPath: dir.path("tree/link"), withDestinationPath: "main.go")
    }

    @Test("reads system tar output in gnu, pax and ustar formats", arguments: ["gnu", "pax", "ustar"])
    func systemTar(format: String) throws {
        let dir = try TemporaryDirectory()
        try Self.makeTree(in: dir)
        // ustar cannot hold the 150+ byte name when the last component doesn't fit; others can.
        try run(["tar", "--format=\(format)", "-cf", dir.path("t.tar"), "-C", dir.path("tree"), "main.go", "link", "src"],
                in: dir.url)
        let entries = try readTar(FileByteSource(path: dir.path("t.tar")))
        let byName = Dictionary(entries.map { ($0.0.name, $0) }, uniquingKeysWith: { a, _ in a })
        #expect(byName["main.go"]?.1 == Array("package main\n".utf8))
        #expect(byName["main.go"]?.0.isRegularFile == true)
        #expect(byName["link"]?.0.typeFlag == TarEntry.symlink)
        #expect(byName["link"]?.0.linkName == "main.go")
        #expect(byName["src/"]?.0.typeFlag == TarEntry.directory)
        #expect(byName[Self.longName]?.1 == Array("long\n".utf8))
    }

    @Test("reads Python tarfile output (PAX long names, GNU long names) through gzip from a file")
    func pythonTarfile() throws {
        let dir = try TemporaryDirectory()
        for format in ["PAX_FORMAT", "GNU_FORMAT"] {
            try runPython("""
                import tarfile, io
                with tarfile.open('t.tar.gz', 'w:gz', format=tarfile.\(format)) as t:
                    for name, data in [('\(Self.longName)', b'x' * 1000), ('b.txt', b'')]:
                        i = tarfile.TarInfo(name); i.size = len(data); i.mode = 0o644
                        t.addfile(i, io.BytesIO(data))
                    s = tarfile.TarInfo('sym'); s.type = tarfile.SYMTYPE; s.linkname = 'b.txt'; t.addfile(s)
                """, in: dir.url)
            let entries = try readTar(GzipReader(source: FileByteSource(path: dir.path("t.tar.gz"))))
            #expect(entries.map(\.0.name) == [Self.longName, "b.txt", "sym"])
            #expect(entries[0].1 == [UInt8](repeating: UInt8(ascii: "x"), count: 1000))
            #expect(entries[2].0.typeFlag == TarEntry.symlink)
        }
    }

    @Test("writer output is deterministic, Go-shaped, and read back by tar, Python and us")
    func writerRoundTrip() throws {
        var writer = TarWriter()
        try writer.appendFile(name: "metadata.json", contents: Array("{}".utf8))
        try writer.appendFile(name: Self.longName, contents: [UInt8](repeating: 7, count: 600))
        let tar = writer.finish()
        #expect(tar.count == 512 + 512 + 512 + 1024 + 1024)
        let header = Array(tar[0..<512])
        #expect(Array(header[100..<108]) == Array("0100644\0".utf8))
        #expect(Array(header[108..<124]) == Array("0000000\00000000\0".utf8))
        #expect(Array(header[124..<136]) == Array("00000000002\0".utf8))
        #expect(Array(header[136..<148]) == Array("00000000000\0".utf8))
        #expect(header[156] == UInt8(ascii: "0"))
        #expect(Array(header[257..<265]) == Array("ustar\000".utf8))
        #expect(header[155] == UInt8(ascii: " ") && header[154] == 0)
        let entries = try readTar(MemoryByteSource(tar))
        #expect(entries.map(\.0.name) == ["metadata.json", Self.longName])
        #expect(entries[1].1 == [UInt8](repeating: 7, count: 600))
        let dir = try TemporaryDirectory()
        try Data(tar).write(to: URL(fileURLWithPath: dir.path("w.tar")))
        let listing = String(decoding: try run(["tar", "-tf", "w.tar"], in: dir.url), as: UTF8.self)
        #expect(listing == "metadata.json\n\(Self.longName)\n")
        try runPython("""
            import tarfile
            t = tarfile.open('w.tar'); m = t.getmembers()
            assert [x.name for x in m] == ['metadata.json', '\(Self.longName)'], m
            assert m[0].mtime == 0 and m[0].uid == 0 and m[0].uname == '' and m[0].size == 2
            """, in: dir.url)
    }

    @Test("every read split gives the same entries (drip-feed)")
    func dripFeed() throws {
        var writer = TarWriter()
        try writer.appendFile(name: "a", contents: Array("hello".utf8))
        try writer.append(TarEntry(name: "d/", size: 0, mode: 0o40755, typeFlag: TarEntry.directory))
        try writer.appendFile(name: "b", contents: [UInt8](repeating: 1, count: 1500))
        let tar = writer.finish()
        let whole = try readTar(MemoryByteSource(tar))
        for step in [1, 7, 511, 513] {
            let dripped = try readTar(DripByteSource(tar, step: step))
            #expect(dripped.map(\.0) == whole.map(\.0))
            #expect(dripped.map(\.1) == whole.map(\.1))
        }
    }

    @Test("corrupt header, truncated content and a lone EOF are told apart")
    func corruption() throws {
        var writer = TarWriter()
        try writer.appendFile(name: "a", contents: [UInt8](repeating: 1, count: 2000))
        var tar = writer.finish()
        #expect(try readTar(MemoryByteSource([])).isEmpty)
        #expect(throws: ArchiveError.unexpectedEOF) { try readTar(MemoryByteSource(Array(tar.prefix(1000)))) }
        tar[0] ^= 0x01
        #expect(throws: ArchiveError.invalidTarHeader) { try readTar(MemoryByteSource(tar)) }
        #expect(throws: ArchiveError.invalidTarHeader) { try readTar(MemoryByteSource([UInt8](repeating: 0x41, count: 512))) }
    }

    @Test("skipping unread content lands on the next header")
    func skipsContent() throws {
        var writer = TarWriter()
        try writer.appendFile(name: "a", contents: [UInt8](repeating: 1, count: 5000))
        try writer.appendFile(name: "b", contents: [2])
        let reader = TarReader(source: MemoryByteSource(writer.finish()))
        #expect(try reader.next()?.name == "a")
        #expect(try reader.next()?.name == "b")
        #expect(try reader.next() == nil)
    }

    @Test("the old NUL typeflag reads as a regular file, or a directory for names ending in /")
    func oldRegularTypeflag() throws {
        let dir = try TemporaryDirectory()
        try runPython("""
            import tarfile, io
            with tarfile.open('v7.tar', 'w', format=tarfile.USTAR_FORMAT) as t:
                for name, data in [('a.txt', b'abc'), ('d/', b'')]:
                    i = tarfile.TarInfo(name); i.size = len(data); i.type = tarfile.AREGTYPE
                    t.addfile(i, io.BytesIO(data))
            """, in: dir.url)
        let entries = try readTar(FileByteSource(path: dir.path("v7.tar")))
        #expect(entries.map(\.0.typeFlag) == [TarEntry.regular, TarEntry.directory])
        #expect(entries[0].1 == Array("abc".utf8))
    }
}
