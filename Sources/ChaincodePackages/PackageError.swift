/// Why a chaincode package, its upload, or a build request was refused. `message` is stable;
/// for `.invalidPackage` and `.invalidConnection` it is the text the Fabric peer itself
/// produces for the same defect (core/chaincode/persistence, core/container/externalbuilder).
public struct PackageError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        /// The install package is malformed (the peer would reject it).
        case invalidPackage = "invalid_package"
        /// code.tar.gz is malformed or exceeds the decompression limits.
        case invalidCodePackage = "invalid_code_package"
        /// connection.json of a ccaas/external package is missing or invalid.
        case invalidConnection = "invalid_connection"
        /// The upload is larger than allowed.
        case tooLarge = "too_large"
        /// `CCaaSPackageBuilder` input is invalid.
        case invalidBuilderInput = "invalid_builder_input"
        /// Disk I/O failed in the data directory.
        case storage = "storage"
    }

    public let kind: Kind
    public let message: String

    public init(_ kind: Kind, _ message: String) { (self.kind, self.message) = (kind, message) }

    public var description: String { message }

    static func invalid(_ message: String) -> PackageError { PackageError(.invalidPackage, message) }
    static func connection(_ message: String) -> PackageError { PackageError(.invalidConnection, message) }
    static func code(_ message: String) -> PackageError { PackageError(.invalidCodePackage, message) }
}
