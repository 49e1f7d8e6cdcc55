import TLSCrypto

/// `migrations/manifest.sha256` (`sha256sum` format: `<hex>  <file>` per line): the recorded
/// digest of every landed migration. A migration is never edited once landed, so a mismatch
/// means a changed file or a corrupted copy, and the gateway refuses to start on it.
public struct MigrationManifest: Sendable, Equatable {
    /// The manifest's file name, in the migrations directory and in the embedded copy.
    public static let fileName = "manifest.sha256"

    /// Lower-case hex SHA-256 by file name.
    public let digests: [String: String]

    /// Parses `text`; `source` names where it came from in error messages.
    public init(text: String, source: String) throws {
        var digests: [String: String] = [:]
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingSuffix(while: { $0 == "\r" || $0 == " " })
            if line.isEmpty { continue }
            // sha256sum writes "<hex><space><space or *><name>".
            let parts = line.split(separator: " ", maxSplits: 1)
            guard parts.count == 2, parts[0].count == 64, parts[0].allSatisfy(\.isHexDigit) else {
                throw MigrationManifestError.malformedLine(index + 1, source: source)
            }
            var name = Substring(parts[1])
            if name.first == " " || name.first == "*" { name = name.dropFirst() }
            guard !name.isEmpty, digests.updateValue(parts[0].lowercased(), forKey: String(name)) == nil else {
                throw MigrationManifestError.malformedLine(index + 1, source: source)
            }
        }
        self.digests = digests
    }

    /// Checks that every `.sql` file among `files` is listed with its digest, and that every
    /// listed file is present.
    public func verify(_ files: [(name: String, bytes: [UInt8])], source: String) throws {
        var unseen = Set(digests.keys)
        for file in files where file.name.hasSuffix(".sql") {
            guard let expected = digests[file.name] else { throw MigrationManifestError.unlisted(file.name, source: source) }
            let actual = SHA256.hash(file.bytes).hexString
            guard actual == expected else {
                throw MigrationManifestError.mismatch(file.name, expected: expected, actual: actual, source: source)
            }
            unseen.remove(file.name)
        }
        if let missing = unseen.sorted().first { throw MigrationManifestError.missing(missing, source: source) }
    }
}

/// Why the shipped migrations cannot be trusted; each case names the file and where it came from.
public enum MigrationManifestError: Error, CustomStringConvertible, Sendable, Equatable {
    /// There is no `manifest.sha256` beside the migrations.
    case noManifest(source: String)
    /// A manifest line is not `<64 hex digits>  <file name>`, or names a file twice.
    case malformedLine(Int, source: String)
    /// A migration's SHA-256 differs from the recorded one: a landed migration was edited.
    case mismatch(String, expected: String, actual: String, source: String)
    /// A migration the manifest does not list.
    case unlisted(String, source: String)
    /// The manifest lists a migration that is not there.
    case missing(String, source: String)

    public var description: String {
        switch self {
        case .noManifest(let source):
            return "no \(MigrationManifest.fileName) in the migrations \(source)"
        case .malformedLine(let line, let source):
            return "\(MigrationManifest.fileName) line \(line) (migrations \(source)) is not '<sha256 hex>  <file name>' or repeats a file"
        case .mismatch(let file, let expected, let actual, let source):
            return "migration '\(file)' (\(source)) does not match \(MigrationManifest.fileName): recorded sha256 \(expected), "
                + "actual \(actual); a landed migration must never be edited"
        case .unlisted(let file, let source):
            return "migration '\(file)' (\(source)) is not listed in \(MigrationManifest.fileName)"
        case .missing(let file, let source):
            return "\(MigrationManifest.fileName) lists migration '\(file)', which is missing (\(source))"
        }
    }
}

extension Substring {
    fileprivate func trimmingSuffix(while predicate: (Character) -> Bool) -> Substring {
        var s = self
        while let last = s.last, predicate(last) { s = s.dropLast() }
        return s
    }
}
