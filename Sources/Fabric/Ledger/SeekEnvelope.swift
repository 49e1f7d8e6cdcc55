import FabricProtos
import Foundation
import SwiftProtobuf

/// Builds signed Deliver seek envelopes (docs/fabric-notes.md §5.2).
public enum SeekEnvelope {
    /// A signed `common.Envelope` carrying `orderer.SeekInfo{start, stop, behavior}`.
    ///
    /// - Parameters:
    ///   - tlsCertHash: SHA-256 of the client's TLS certificate DER; required by servers with
    ///     mutual TLS, harmless otherwise.
    ///   - failIfNotReady: `FAIL_IF_NOT_READY` instead of blocking at the chain's tip.
    public static func make(channelID: String, start: SeekPosition, stop: SeekPosition = .forever,
                            failIfNotReady: Bool = false, signer: SigningIdentity,
                            tlsCertHash: [UInt8]? = nil, timestamp: Date = Date(),
                            nonce: [UInt8]? = nil) throws -> Common_Envelope {
        var seek = Orderer_SeekInfo()
        seek.start = start.proto
        seek.stop = stop.proto
        seek.behavior = failIfNotReady ? .failIfNotReady : .blockUntilReady
        var chdr = Common_ChannelHeader()
        chdr.type = Int32(Common_HeaderType.deliverSeekInfo.rawValue)
        chdr.timestamp = Google_Protobuf_Timestamp(seconds: Int64(timestamp.timeIntervalSince1970.rounded(.down)), nanos: 0)
        chdr.channelID = channelID
        if let tlsCertHash { chdr.tlsCertHash = Data(tlsCertHash) }
        var payload = Common_Payload()
        payload.header.channelHeader = Data(chdr.encodedBytes())
        payload.header.signatureHeader = Data(ProtoBuilders.signatureHeader(
            creator: signer.creator, nonce: nonce ?? Proposal.randomNonce()))
        payload.data = Data(seek.encodedBytes())
        let bytes = payload.encodedBytes()
        var envelope = Common_Envelope()
        envelope.payload = Data(bytes)
        envelope.signature = Data(try signer.sign(bytes))
        return envelope
    }
}
