import FabricProtos
import Foundation

extension Common_Block {
    /// The number of the last config block as recorded in this block's metadata
    /// (protoutil `GetLastConfigIndexFromBlock`: SIGNATURES metadata's `OrdererBlockMetadata`,
    /// falling back to the deprecated LAST_CONFIG entry).
    public func lastConfigIndex() throws -> UInt64 {
        let entries = metadata.metadata
        let signatures = Int(Common_BlockMetadataIndex.signatures.rawValue)
        if entries.count > signatures, !entries[signatures].isEmpty {
            let meta = try decode(Common_Metadata.self, entries[signatures], "block \(header.number) signatures metadata")
            let orderer = try decode(Common_OrdererBlockMetadata.self, meta.value, "block \(header.number) orderer metadata")
            if orderer.hasLastConfig { return orderer.lastConfig.index }
        }
        let legacy = Int(Common_BlockMetadataIndex.lastConfig.rawValue)
        if entries.count > legacy, !entries[legacy].isEmpty {
            let meta = try decode(Common_Metadata.self, entries[legacy], "block \(header.number) last-config metadata")
            return try decode(Common_LastConfig.self, meta.value, "block \(header.number) last config").index
        }
        // Both entries empty (a genesis block written by configtxgen, or LastConfig{index: 0}
        // encoded as empty bytes): Go's protoutil.GetLastConfigIndexFromBlock returns 0 here.
        return 0
    }
}
