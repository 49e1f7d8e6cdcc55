import Store

/// Result of storing an upload: the record, its code listing, and whether this call created it
/// (`false` when the same bytes were uploaded before: idempotent re-upload).
public struct StoredPackage: Sendable, Equatable {
    public var record: PackageRecord
    public var entries: [PackageEntryRecord]
    public var created: Bool
}

/// A stored package with its code listing.
public struct PackageDetails: Sendable, Equatable {
    public var record: PackageRecord
    public var entries: [PackageEntryRecord]
}

/// What the start-up sweep removed.
public struct SweepResult: Sendable, Equatable {
    /// Interrupted uploads (`.upload-*.part`).
    public var removedTempFiles: [String]
    /// Committed files whose row never landed (crash between rename and row commit).
    public var removedOrphans: [String]
}
