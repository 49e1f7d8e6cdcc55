import ChaincodeLifecycle
import Fabric
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
        case .noUsablePeer, .signerUnavailable: 503
        case .identityUnreadable, .tlsUnreadable: 500
        }
    }
}

/// A signature the key's HSM could not make now (a call that did not go through
/// `NetworkError.classify`): 503, as `NetworkError(.signerUnavailable)`.
extension SignerUnavailableError: HTTPErrorConvertible {
    public var httpError: HTTPError { HTTPError(status: 503, code: "signer_unavailable", message: message) }
}

/// Every org of an approve request failed: the first failure's status and body, with each
/// org's result in `details.results`.
extension ApprovalsFailedError: HTTPErrorConvertible {
    public var httpError: HTTPError {
        HTTPError(status: first.httpStatus, code: first.code, message: "no approval succeeded: \(first.message)",
                  details: first.details + [("results", .array(results.map(\.json)))])
    }
}
