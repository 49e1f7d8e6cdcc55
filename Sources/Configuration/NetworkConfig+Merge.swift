extension NetworkConfig {
    /// This configuration (read from a connection profile) completed by the gateway's own
    /// `network:` entries: an organization with the same mspId supplies `adminIdentity` and
    /// `clientIdentity` (and extra peers); other organizations and orderers are added; the
    /// gateway's `channels`, when listed, replace the profile's.
    func merged(with gateway: NetworkConfig) -> NetworkConfig {
        var result = self
        for org in gateway.organizations {
            guard let i = result.organizations.firstIndex(where: { $0.mspID == org.mspID }) else {
                result.organizations.append(org)
                continue
            }
            if let admin = org.adminIdentity { result.organizations[i].adminIdentity = admin }
            if let client = org.clientIdentity { result.organizations[i].clientIdentity = client }
            result.organizations[i].peers += org.peers
        }
        result.orderers += gateway.orderers
        if !gateway.channels.isEmpty { result.channels = gateway.channels }
        result.addressRewrites.merge(gateway.addressRewrites) { _, own in own }
        return result
    }
}
