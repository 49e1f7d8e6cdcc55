import Logging
import TestSupport
import TLSCrypto
@testable import WebServer

extension TestPKI {
    /// A reloader over server.pem / server-key.pem (and ca.pem for client certificates).
    func reloader(clientAuth: TLSServerConfiguration.ClientAuth = .none,
                  minVersion: TLSServerConfiguration.ProtocolVersion = .tls12) throws -> TLSCertificateReloader {
        var logger = Logger(label: "tls-test")
        logger.logLevel = .critical
        let files = TLSCertificateReloader.Files(certFile: path("server.pem"), keyFile: path("server-key.pem"),
                                                 clientCAFile: clientAuth == .none ? nil : path("ca.pem"),
                                                 clientAuth: clientAuth, minVersion: minVersion)
        return try TLSCertificateReloader(files: files, logger: logger)
    }
}
