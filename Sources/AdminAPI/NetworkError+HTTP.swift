import ChaincodeLifecycle
import FabricAccess
import WebServer

/// The HTTP status of each network failure; the body's code and details are the error's own.
extension NetworkError: HTTPErrorConvertible {
    public var httpError: HTTPError { HTTPError(status: httpStatus, code: code, message: message, details: details) }

    var httpStatus: Int {
        switch kind {
        case .unreachable, .ordererFailed, .protocolViolation: 502
        case .timeout: 504
        case .channelNotFound: 404
        case .rejected(let status) where status == 404: 404
        case .rejected(let status) where (400..<500).contains(status): 422
        case .rejected: 409
        case .transactionInvalid, .discoveryRefused: 409
        case .invalidDefinition, .invalidPolicy, .noAdminIdentity, .noPeerConfigured, .noOrderer: 422
        case .noUsablePeer: 503
        case .identityUnreadable, .tlsUnreadable: 500
        }
    }
}

/// Every org of an approve request failed: the first failure's status and body, with each
/// org's result in `details.results`.
extension ApprovalsFailedError: HTTPErrorConvertible {
    public var httpError: HTTPError {
        HTTPError(status: first.httpStatus, code: first.code, message: "no approval succeeded: \(first.message)",
                  details: first.details + [("results", .array(results.map(\.json)))])
    }
}
