import FabricProtos

/// Where a Deliver stream starts or stops (`orderer.SeekPosition`, docs/fabric-notes.md §5.2).
public enum SeekPosition: Sendable, Hashable {
    case oldest
    case newest
    case specified(UInt64)
    /// The next block to be committed (current height).
    case nextCommit

    /// "Forever": the stop position the peer CLI uses when waiting for its transaction.
    public static let forever = SeekPosition.specified(.max)

    var proto: Orderer_SeekPosition {
        var position = Orderer_SeekPosition()
        switch self {
        case .oldest: position.oldest = Orderer_SeekOldest()
        case .newest: position.newest = Orderer_SeekNewest()
        case .specified(let number): position.specified.number = number
        case .nextCommit: position.nextCommit = Orderer_SeekNextCommit()
        }
        return position
    }
}
