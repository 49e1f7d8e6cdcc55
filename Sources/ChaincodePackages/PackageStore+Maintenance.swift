import Foundation
import Store

extension PackageStore {
    /// Start-up sweep: removes interrupted uploads and committed files that have no row.
    /// Call it before accepting uploads (an in-flight upload's files would look orphaned).
    public func sweep() async throws -> SweepResult {
        let referenced = try await queue.read { try PackageRepository($0).allFileNames() }
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        var result = SweepResult(removedTempFiles: [], removedOrphans: [])
        for name in names.sorted() {
            if name.hasPrefix(PackageStagingFile.tempPrefix) && name.hasSuffix(PackageStagingFile.tempSuffix) {
                FileSystem.remove(directory.appendingPathComponent(name).path)
                result.removedTempFiles.append(name)
            } else if name.hasSuffix(".tar.gz") && !referenced.contains(name) {
                FileSystem.remove(directory.appendingPathComponent(name).path)
                result.removedOrphans.append(name)
            }
        }
        if !result.removedTempFiles.isEmpty || !result.removedOrphans.isEmpty {
            try FileSystem.fsyncDirectory(directory.path)
        }
        return result
    }

    /// Builds the row and listing for an inspected package.
    static func record(for inspection: PackageInspection, sha256: String, size: Int64, fileName: String,
                       uploadedBy: String?) -> (PackageRecord, [PackageEntryRecord]) {
        let metadata = inspection.metadata
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let record = PackageRecord(
            packageID: PackageID.make(label: metadata.label, sha256Hex: sha256), label: metadata.label,
            type: metadata.type, path: metadata.path, size: size, sha256: sha256, fileName: fileName,
            uploadedBy: uploadedBy, uploadedAt: formatter.string(from: Date()), warnings: inspection.warnings,
            metadataJSON: metadata.cliJSON, connectionJSON: inspection.connection?.redactedJSON)
        let entries = inspection.codeEntries.map {
            PackageEntryRecord(name: $0.name, size: $0.size, mode: $0.mode, typeFlag: $0.typeFlag, flags: $0.flags)
        }
        return (record, entries)
    }
}
