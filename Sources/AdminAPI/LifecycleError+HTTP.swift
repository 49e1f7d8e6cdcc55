import WebServer

/// The HTTP status of each lifecycle refusal; the body's code and details are the error's own.
extension LifecycleError: HTTPErrorConvertible {
    public var httpError: HTTPError {
        let status = switch kind {
        case .notFound: 404
        case .invalidField, .noEndorsingOrg: 422
        case .notReady, .alreadyCommitted: 409
        case .forbidden: 403
        case .networkNotConfigured: 503
        case .storage: 500
        }
        return HTTPError(status: status, code: code, message: message, details: details)
    }
}
