import Foundation
import TestSupport
@testable import Archive

/// Runs a command in `directory`, returning stdout; throws on non-zero exit.
@discardableResult
func run(_ arguments: [String], in directory: URL, stdin: [UInt8]? = nil) throws -> [UInt8] {
    try runCommand(arguments, in: directory, stdin: stdin).checked().output
}

func runPython(_ script: String, in directory: URL) throws {
    try run([pythonInterpreter(), "-c", script], in: directory)
}

/// Hands out at most `step` bytes per read: every read boundary is exercised.
final class DripByteSource: ByteSource {
    private let bytes: [UInt8]
    private let step: Int
    private var offset = 0

    init(_ bytes: [UInt8], step: Int = 1) {
        self.bytes = bytes
        self.step = step
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let n = min(step, buffer.count, bytes.count - offset)
        guard n > 0 else { return 0 }
        for i in 0..<n { buffer[i] = bytes[offset + i] }
        offset += n
        return n
    }
}

/// Reads all entries and their contents.
func readTar(_ source: any ByteSource) throws -> [(TarEntry, [UInt8])] {
    let reader = TarReader(source: source)
    var out: [(TarEntry, [UInt8])] = []
    while let entry = try reader.next() {
        out.append((entry, try reader.readContents(of: entry, limit: 1 << 24)))
    }
    return out
}

func fileBytes(_ path: String) throws -> [UInt8] {
    [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
}
