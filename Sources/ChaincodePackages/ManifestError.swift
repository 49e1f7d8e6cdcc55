/// Why manifests for a chaincode server could not be generated (ChaincodeServerManifests).
/// `message` is stable and names the value at fault.
public struct ManifestError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        /// A request parameter (image, namespace, format...) is missing or malformed.
        case invalidParameter = "invalid_parameter"
        /// The package has no connection.json (not a ccaas/external package): there is no server to run.
        case notChaincodeServer = "not_chaincode_server"
        /// connection.json's address cannot be the address of the generated Service (or compose
        /// service): the peer would dial a host the manifests do not create.
        case addressMismatch = "address_mismatch"
    }

    public let kind: Kind
    public let message: String
    /// The parameter at fault for `.invalidParameter`.
    public let parameter: String?

    public init(_ kind: Kind, _ message: String, parameter: String? = nil) {
        (self.kind, self.message, self.parameter) = (kind, message, parameter)
    }

    public var description: String { message }

    static func parameter(_ name: String, _ problem: String) -> ManifestError {
        ManifestError(.invalidParameter, "\(name) \(problem)", parameter: name)
    }
}
