import Archive

/// Limits applied to uploaded packages. Each is checked where the bytes arrive.
public struct PackageLimits: Sendable, Equatable {
    /// Largest install package accepted (bytes of the .tar.gz). 100 MiB: the peer cannot take
    /// more anyway, as InstallChaincode travels in one gRPC message (100 MiB default, docs/fabric-notes.md §12.3).
    public var maxPackageBytes: Int64
    /// Largest metadata.json / connection.json / index file read into memory (1 MiB; real ones are < 10 KiB).
    public var maxSmallFileBytes: Int64
    /// Most entries listed from code.tar.gz (bounds the listing kept in memory and in SQLite).
    public var maxCodeEntries: Int
    /// Decompression-bomb guard for both the outer package and code.tar.gz.
    public var gzip: GzipLimits

    public init(maxPackageBytes: Int64 = 100 << 20, maxSmallFileBytes: Int64 = 1 << 20, maxCodeEntries: Int = 100_000,
                gzip: GzipLimits = GzipLimits()) {
        self.maxPackageBytes = maxPackageBytes
        self.maxSmallFileBytes = maxSmallFileBytes
        self.maxCodeEntries = maxCodeEntries
        self.gzip = gzip
    }
}
