import ChaincodePackages
import Store
import WebServer

/// Package errors: what the peer would refuse is 422, a package over the limit 413; a storage
/// failure is a 500 whose detail (paths included) stays in the log: `HTTPError.mapping` logs
/// every 5xx with the error under the request ID, and the body names only that ID.
extension PackageError: HTTPErrorConvertible {
    public var httpError: HTTPError {
        switch kind {
        case .tooLarge: HTTPError(status: 413, code: "payload_too_large", message: message)
        case .invalidPackage, .invalidCodePackage, .invalidConnection, .invalidBuilderInput:
            // The request was well-formed HTTP; the package (or the builder's input) is not.
            HTTPError(status: 422, code: kind.rawValue, message: message)
        case .storage: HTTPError(status: 500, code: "storage", message: "storage error (see the gateway log under this request ID)")
        }
    }
}

/// A database failure: a 500 whose detail (the SQL, never bound values) stays in the log.
extension DatabaseError: HTTPErrorConvertible {
    public var httpError: HTTPError { HTTPError(status: 500, code: "database", message: "database error (see the gateway log)") }
}

/// Manifest generation: a bad parameter is 400; a package that names no chaincode server, or
/// whose connection.json address the manifests cannot serve, is 409 (the package's state, not
/// the request, is at odds with what was asked).
extension ManifestError: HTTPErrorConvertible {
    public var httpError: HTTPError {
        switch kind {
        case .invalidParameter:
            HTTPError(status: 400, code: kind.rawValue, message: message, details: parameter.map { [("parameter", .string($0))] } ?? [])
        case .notChaincodeServer, .addressMismatch: HTTPError(status: 409, code: kind.rawValue, message: message)
        }
    }
}
