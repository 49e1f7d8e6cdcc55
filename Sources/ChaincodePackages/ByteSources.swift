import Archive

/// Replays already-read bytes before continuing with the underlying source.
final class PrefixedByteSource: ByteSource {
    private var prefix: [UInt8]
    private let rest: any ByteSource

    init(prefix: [UInt8], rest: any ByteSource) {
        self.prefix = prefix
        self.rest = rest
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard !prefix.isEmpty else { return try rest.read(into: buffer) }
        let n = min(prefix.count, buffer.count)
        for i in 0..<n { buffer[i] = prefix[i] }
        prefix.removeFirst(n)
        return n
    }
}

/// Remembers the first error its source threw, to tell an outer-archive failure from an inner one.
final class ErrorRecordingSource: ByteSource {
    private let source: any ByteSource
    private(set) var error: (any Error)?

    init(_ source: any ByteSource) { self.source = source }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        do {
            return try source.read(into: buffer)
        } catch {
            if self.error == nil { self.error = error }
            throw error
        }
    }
}
