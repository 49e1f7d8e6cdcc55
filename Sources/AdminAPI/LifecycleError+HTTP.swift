import ChaincodeLifecycle
import WebServer

/// The HTTP status of each lifecycle refusal; the body's code and details are the error's own.
extension LifecycleError: HTTPErrorConvertible {
    public var httpError: HTTPError {
        let status = switch kind {
        case .notFound: 404
        case .invalidField, .noEndorsingOrg: 422
        case .notReady, .alreadyCommitted: 409
        case .forbidden: 403
        case .networkNotConfigured, .shuttingDown: 503
        case .storage: 500
        }
        return HTTPError(status: status, code: code, message: message, details: details)
    }
}

/// Approving or committing would stop a running chaincode: 409, as any lifecycle conflict.
extension PackageMissingError: HTTPErrorConvertible {
    public var httpError: HTTPError { HTTPError(status: 409, code: code, message: description, details: details) }
}

/// The committed definition's orgs have no package to run: 409.
extension ChaincodeUnavailableError: HTTPErrorConvertible {
    public var httpError: HTTPError { HTTPError(status: 409, code: code, message: description, details: details) }
}
