import FabricProtos
import Foundation

/// What discovery says about a channel's configuration (discovery `ConfigResult`;
/// discovery/support/config/support.go `Config`).
public struct DiscoveredChannelConfig: Sendable, Hashable {
    /// MSP ID -> the TLS root (and intermediate) certificates of the org, PEM.
    public var tlsRootCertificates: [String: [String]]
    /// Orderer org MSP ID -> `host:port` endpoints.
    public var orderers: [String: [String]]

    public init(tlsRootCertificates: [String: [String]], orderers: [String: [String]]) {
        self.tlsRootCertificates = tlsRootCertificates
        self.orderers = orderers
    }

    init(_ result: Discovery_ConfigResult) {
        tlsRootCertificates = result.msps.mapValues { msp in
            (msp.tlsRootCerts + msp.tlsIntermediateCerts).map { String(decoding: $0, as: UTF8.self) }
        }
        orderers = result.orderers.mapValues { $0.endpoint.map { "\($0.host):\($0.port)" } }
    }

    /// The MSP IDs of the channel's organizations (application and orderer).
    public var mspIDs: [String] { tlsRootCertificates.keys.sorted() }
}
