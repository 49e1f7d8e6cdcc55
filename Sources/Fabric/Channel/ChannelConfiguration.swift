import FabricProtos
import Foundation

/// The parts of a channel configuration a lifecycle client needs: application orgs (MSP IDs),
/// the `LifecycleEndorsement` / `Endorsement` policies, capabilities and orderer endpoints.
public struct ChannelConfiguration: Sendable, Hashable {
    /// One application organisation (`/Channel/Application/<name>`).
    public struct Organization: Sendable, Hashable {
        /// The config group key, e.g. `Org1MSP` or `Org1` (what policy paths use).
        public var name: String
        /// The MSP ID from the org's MSP value.
        public var mspID: String
        /// `/Channel/Application/<name>/Endorsement`, if defined.
        public var endorsementPolicy: ChannelPolicy?
        /// Anchor peers as `host:port`.
        public var anchorPeers: [String]
    }

    public var channelID: String
    /// Config sequence number.
    public var sequence: UInt64
    /// Sorted by MSP ID.
    public var applicationOrganizations: [Organization]
    /// `/Channel/Application/LifecycleEndorsement` (nil: peers use a majority of orgs).
    public var lifecycleEndorsementPolicy: ChannelPolicy?
    /// `/Channel/Application/Endorsement` (the default chaincode endorsement policy).
    public var endorsementPolicy: ChannelPolicy?
    /// Application capabilities, e.g. `["V2_0"]` (needed for `_lifecycle`).
    public var applicationCapabilities: [String]
    /// Orderer org MSP ID -> endpoints (`host:port`).
    public var ordererEndpoints: [String: [String]]

    /// MSP IDs of the application orgs.
    public var mspIDs: [String] { applicationOrganizations.map(\.mspID) }

    /// Reads the configuration from a config block (the block's only envelope is a CONFIG tx).
    public init(configBlock block: Common_Block) throws {
        guard let data = block.data.data.first else {
            throw FabricProtocolError("block \(block.header.number) has no transactions")
        }
        let envelope = try decode(Common_Envelope.self, data, "config block envelope")
        let payload = try decode(Common_Payload.self, envelope.payload, "config block payload")
        let chdr = try decode(Common_ChannelHeader.self, payload.header.channelHeader, "config block channel header")
        guard chdr.type == Int32(Common_HeaderType.config.rawValue) else {
            throw FabricProtocolError("block \(block.header.number) is not a config block (header type \(chdr.type))")
        }
        let configEnvelope = try decode(Common_ConfigEnvelope.self, payload.data, "config envelope")
        try self.init(config: configEnvelope.config, channelID: chdr.channelID)
    }

    /// Reads a `common.Config`.
    public init(config: Common_Config, channelID: String) throws {
        let root = config.channelGroup
        let application = root.groups["Application"] ?? Common_ConfigGroup()
        self.channelID = channelID
        self.sequence = config.sequence
        self.applicationOrganizations = try application.groups.map { name, group in
            try Organization(name: name, group: group)
        }.sorted { $0.mspID < $1.mspID }
        self.lifecycleEndorsementPolicy = try application.policies["LifecycleEndorsement"].map { try ChannelPolicy($0.policy) }
        self.endorsementPolicy = try application.policies["Endorsement"].map { try ChannelPolicy($0.policy) }
        self.applicationCapabilities = try application.values["Capabilities"].map {
            try decode(Common_Capabilities.self, $0.value, "application capabilities").capabilities.keys.sorted()
        } ?? []
        var endpoints: [String: [String]] = [:]
        for (_, group) in root.groups["Orderer"]?.groups ?? [:] {
            let mspID = try Organization.mspID(of: group)
            if let value = group.values["Endpoints"] {
                endpoints[mspID] = try decode(Common_OrdererAddresses.self, value.value, "orderer endpoints").addresses
            }
        }
        self.ordererEndpoints = endpoints
    }
}

extension ChannelConfiguration.Organization {
    init(name: String, group: Common_ConfigGroup) throws {
        self.name = name
        self.mspID = try Self.mspID(of: group)
        self.endorsementPolicy = try group.policies["Endorsement"].map { try ChannelPolicy($0.policy) }
        self.anchorPeers = try group.values["AnchorPeers"].map {
            try decode(Protos_AnchorPeers.self, $0.value, "anchor peers").anchorPeers.map { "\($0.host):\($0.port)" }
        } ?? []
    }

    static func mspID(of group: Common_ConfigGroup) throws -> String {
        guard let value = group.values["MSP"] else { return "" }
        let msp = try decode(Msp_MSPConfig.self, value.value, "MSP config")
        return try decode(Msp_FabricMSPConfig.self, msp.config, "Fabric MSP config").name
    }
}
