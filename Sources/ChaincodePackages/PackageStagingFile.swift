import Foundation
import TLSCrypto

/// An upload being written to a temp file in `<data>/packages/`, hashed as it streams, with a
/// size cap. Memory use is constant. `commit()` makes it durable under its content address
/// `packages/<sha256>.tar.gz`; `discard()` (or deinit without commit) removes it.
/// Not thread-safe: one upload is driven by one caller at a time; it is `Sendable` only so that
/// it can be handed to `PackageStore.store` (which finishes it on a worker thread).
public final class PackageStagingFile: @unchecked Sendable {
    /// Temp file name prefix; the start-up sweep removes leftovers with it.
    public static let tempPrefix = ".upload-"
    public static let tempSuffix = ".part"

    /// The directory holding packages (`<data>/packages`).
    public let directory: URL
    /// Path of the temp file while staging.
    public let tempPath: String
    public let maxBytes: Int64
    public private(set) var size: Int64 = 0
    private var fd: Int32
    private var hasher: SHA256?
    private var digest: String?
    private var done = false

    /// Creates the temp file (mode 0600, O_EXCL) in `directory`, creating the directory if needed.
    public init(directory: URL, maxBytes: Int64) throws {
        try FileSystem.createDirectory(directory.path)
        self.directory = directory
        self.maxBytes = maxBytes
        self.tempPath = directory.appendingPathComponent(Self.tempPrefix + UUID().uuidString + Self.tempSuffix).path
        self.fd = try FileSystem.openExclusive(tempPath)
        self.hasher = SHA256()
    }

    deinit {
        if !done { discard() }
    }

    /// Appends a chunk. Past `maxBytes` the temp file is removed and `.tooLarge` thrown.
    public func append(_ chunk: UnsafeRawBufferPointer) throws {
        precondition(!done && digest == nil, "append after finish/commit/discard")
        guard size + Int64(chunk.count) <= maxBytes else {
            discard()
            throw PackageError(.tooLarge, "chaincode package is larger than the limit of \(maxBytes) bytes")
        }
        do {
            try FileSystem.writeAll(fd, chunk, path: tempPath)
        } catch {
            discard()
            throw error
        }
        hasher!.update(chunk)
        size += Int64(chunk.count)
    }

    public func append(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try append($0) }
    }

    /// Ends the upload; returns the lowercase hex SHA-256 of everything appended.
    @discardableResult
    public func finish() -> String {
        if let digest { return digest }
        precondition(!done, "finish after discard")
        let hex = hasher.take()!.finalize().hexString
        digest = hex
        return hex
    }

    /// Storage file name once committed.
    public var fileName: String { finish() + ".tar.gz" }

    /// fsync the file, rename it to `<sha256>.tar.gz` (replacing an identical copy), fsync the
    /// directory. Returns the final path.
    @discardableResult
    public func commit() throws -> String {
        try sync()
        return try publish()
    }

    /// First half of `commit`: makes the bytes durable and closes the file.
    public func sync() throws {
        precondition(!done, "sync after commit/discard")
        guard fd >= 0 else { return }
        do {
            try FileSystem.fsync(fd, path: tempPath)
        } catch {
            discard()
            throw error
        }
        close(fd)
        fd = -1
    }

    /// Second half of `commit`: renames to the content address and fsyncs the directory.
    @discardableResult
    public func publish() throws -> String {
        try sync()
        let finalPath = directory.appendingPathComponent(fileName).path
        do {
            try FileSystem.rename(tempPath, finalPath)
            done = true
            try FileSystem.fsyncDirectory(directory.path)
        } catch {
            discard()
            throw error
        }
        return finalPath
    }

    /// Closes and removes the temp file. Idempotent.
    public func discard() {
        guard !done else { return }
        done = true
        if fd >= 0 { close(fd) }
        fd = -1
        FileSystem.remove(tempPath)
    }
}
