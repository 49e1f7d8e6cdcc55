import ChaincodePackages
import HTTP1
import Store
import WebServer

/// The one place where domain errors become HTTP errors (WebServer's `HTTPApplication`
/// handles only what never reaches an API handler).
enum APIErrors {
    static func map(_ error: any Error) -> HTTPError {
        switch error {
        case let e as HTTPError: return e
        case let e as any HTTPErrorConvertible: return e.httpError
        case let e as PackageError: return packageError(e)
        case is DatabaseError:
            return HTTPError(status: 500, code: "database", message: "database error (see the gateway log)")
        default:
            return HTTPError(status: 500, code: "internal", message: "internal error (see the gateway log)")
        }
    }

    static func packageError(_ e: PackageError) -> HTTPError {
        switch e.kind {
        case .tooLarge: return HTTPError(status: 413, code: "payload_too_large", message: e.message)
        case .invalidPackage, .invalidCodePackage, .invalidConnection:
            // The peer would refuse it: the request was well-formed HTTP but the package is not.
            return HTTPError(status: 422, code: e.kind.rawValue, message: e.message)
        case .invalidBuilderInput: return HTTPError(status: 422, code: e.kind.rawValue, message: e.message)
        case .storage: return HTTPError(status: 500, code: "storage", message: "storage error: \(e.message)")
        }
    }
}
