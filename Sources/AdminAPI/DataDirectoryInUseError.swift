import SystemIO

/// Another process holds the data directory's lock: a second gateway on the same directory
/// would sweep the first one's in-flight uploads and race its package store.
public struct DataDirectoryInUseError: Error, CustomStringConvertible, Sendable {
    public let directory: String
    /// The lock file's name inside the data directory.
    public static let lockFileName = "gateway.lock"

    public var description: String {
        "data directory '\(directory)' is in use by another chaincode-gateway process (it holds an exclusive lock on "
            + "'\(Self.lockFileName)'); stop that gateway or choose another --data-dir"
    }

    /// The directory's lock, taken now.
    public static func lock(_ directory: String) throws -> ExclusiveFileLock {
        guard let lock = try ExclusiveFileLock(path: directory + "/" + lockFileName) else {
            throw DataDirectoryInUseError(directory: directory)
        }
        return lock
    }
}
