/// What a proposal asks for: a chaincode function call on a channel (or channel-less).
public struct ChaincodeInvocation: Sendable, Hashable {
    /// Channel name; empty for channel-less calls (`InstallChaincode`, `QueryInstalled*`).
    public var channelID: String
    /// Chaincode name: a user chaincode or `_lifecycle`.
    public var chaincodeName: String
    /// `args[0]` is the function name, the rest its arguments.
    public var arguments: [[UInt8]]
    /// Private inputs (`TransientMap`): sent to endorsers, never part of the transaction.
    public var transientData: [String: [UInt8]]
    /// True only for the one init call of a definition with `init_required` (docs/fabric-notes.md §9.5).
    public var isInit: Bool

    public init(channelID: String, chaincodeName: String, arguments: [[UInt8]],
                transientData: [String: [UInt8]] = [:], isInit: Bool = false) {
        self.channelID = channelID
        self.chaincodeName = chaincodeName
        self.arguments = arguments
        self.transientData = transientData
        self.isInit = isInit
    }

    /// A call with a function name and string arguments (UTF-8).
    public init(channelID: String, chaincodeName: String, function: String, stringArguments: [String] = [],
                transientData: [String: [UInt8]] = [:], isInit: Bool = false) {
        self.init(channelID: channelID, chaincodeName: chaincodeName,
                  arguments: [Array(function.utf8)] + stringArguments.map { Array($0.utf8) },
                  transientData: transientData, isInit: isInit)
    }
}
