import Configuration
import EventLoop
import Fabric
import FabricAccess
import FabricProtos
import Foundation
import Logging
import Store

/// Follows one channel's blocks (Deliver, full blocks, BLOCK_UNTIL_READY) from the block after
/// the stored checkpoint, recording `_lifecycle` approvals and commits. Each block's records and
/// its checkpoint are written in one SQLite transaction. On a failure it backs off (0.5 s
/// doubling to 5 s) and moves to the next peer whose org the gateway has an identity for.
/// Blocks must arrive in order from the checkpoint on: a gap or a repeat ends the stream (a
/// faulty peer) rather than skipping or double-counting a block.
final class BlockListener: Sendable {
    struct Progress { var lastBlock: UInt64?; var waiters: [(UInt64, CheckedContinuation<Void, Never>)] = [] }

    let channel: String
    let network: FabricNetwork
    let queue: DatabaseQueue
    let events: EventHub
    let configurations: ChannelConfigurationCache
    let logger: Logger
    private let progress = Locked(Progress(lastBlock: nil))
    private let task = Locked<Task<Void, Never>?>(nil)
    private let source = Locked<String?>(nil)

    init(channel: String, network: FabricNetwork, queue: DatabaseQueue, events: EventHub,
         configurations: ChannelConfigurationCache, logger: Logger) {
        self.channel = channel
        self.network = network
        self.queue = queue
        self.events = events
        self.configurations = configurations
        self.logger = logger
    }

    func start() {
        task.withLock { t in
            precondition(t == nil, "listener started twice")
            t = Task { await self.run() }
        }
    }

    /// Stops following the chain and waits until the loop has ended (no write happens after).
    func stop() async {
        let running = task.withLock { t in defer { t = nil }; return t }
        running?.cancel()
        await running?.value
        let waiters = progress.withLock { p in defer { p.waiters = [] }; return p.waiters }
        for (_, c) in waiters { c.resume() }
    }

    /// The peer whose block stream is open now (nil between streams).
    var streamingPeer: String? { source.withLock { $0 } }

    /// Returns once block `number` has been processed (or the listener stopped).
    func processed(through number: UInt64) async {
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            let done = progress.withLock { p -> Bool in
                if let last = p.lastBlock, last >= number { return true }
                if task.withLock({ $0 == nil }) { return true }
                p.waiters.append((number, c))
                return false
            }
            if done { c.resume() }
        }
    }

    private func run() async {
        var attempt = 0
        var peerIndex = 0
        while !Task.isCancelled {
            let peers = network.config.peers.filter { network.queryClient($0.mspID) != nil }
            guard !peers.isEmpty else {
                logger.warning("no peer with a usable identity: not tracking approvals", metadata: ["channel": "\(channel)"])
                return
            }
            let node = peers[peerIndex % peers.count]
            do {
                if try await follow(node) { attempt = 0 }
            } catch {
                if Task.isCancelled { return }
                logger.notice("block stream failed; reconnecting", metadata: ["channel": "\(channel)", "peer": "\(node.name)", "error": "\(error)"])
            }
            peerIndex += 1
            attempt += 1
            let delay = min(5.0, 0.5 * pow(2.0, Double(min(attempt - 1, 4))))
            // Cancellation ends the wait early; the loop's next pass sees it and returns.
            try? await Task.sleep(for: .milliseconds(Int(delay * 1000)))
        }
    }

    /// At most this many blocks are written in one SQLite transaction (a catch-up batch): bounds
    /// the transaction's size and how long a status read waits behind it.
    static let batchLimit = 256

    /// Streams from the checkpoint on `node` until the stream ends or fails; true if it delivered a block.
    private func follow(_ node: NetworkConfig.Node) async throws -> Bool {
        guard let client = network.queryClient(node.mspID) else { return false }
        let last = try await queue.read { [channel] in try TrackingRepository($0).checkpoint(channel: channel) }
        setProgress(last)
        var next = last.map { $0 + 1 } ?? 0
        let peer = network.endpoint(node)
        let seek = try SeekEnvelope.make(channelID: channel, start: .specified(next), stop: .forever,
                                         signer: client.signer, tlsCertHash: peer.tlsCertificateHash ?? client.tlsCertificateHash)
        var delivered = false
        source.withLock { $0 = node.name }
        defer { source.withLock { $0 = nil } }
        try await DeliverBatcher.run(client.transport.deliver(peer: peer, seek), limit: Self.batchLimit) { batch in
            var blocks: [Common_Block] = []
            for response in batch {
                switch response.type {
                case .block(let block)?:
                    guard block.header.number == next else {
                        try await process(blocks)
                        throw FabricProtocolError("peer \(node.name) sent block \(block.header.number) where block \(next) was expected")
                    }
                    blocks.append(block)
                    next += 1
                case .status(let status)?:
                    try await process(blocks)
                    throw FabricProtocolError("peer \(node.name) ended the block stream with status \(status)")
                default:
                    continue
                }
            }
            try await process(blocks)
            delivered = delivered || !blocks.isEmpty
        }
        return delivered
    }

    /// Records consecutive blocks and advances the checkpoint to the last, in one transaction.
    private func process(_ blocks: [Common_Block]) async throws {
        guard let last = blocks.last?.header.number else { return }
        var decoded: [(number: UInt64, records: [LifecycleRecord])] = []
        var config = false
        for block in blocks {
            let transactions = try block.transactions()
            let records = LifecycleTransactionDecoder.records(in: transactions, block: block.header.number, channel: channel) { tx, error in
                logger.warning("skipped a transaction that does not decode", metadata: [
                    "channel": "\(channel)", "block": "\(block.header.number)", "tx": "\(tx.transactionID)", "error": "\(error)",
                ])
            }
            decoded.append((block.header.number, records))
            config = config || transactions.contains { $0.headerType == Int32(Common_HeaderType.config.rawValue) }
        }
        let inserted = try await queue.write { [channel, decoded] db in
            let repo = TrackingRepository(db)
            return try repo.process(channel: channel, blocks: decoded)
        }
        if config { configurations.invalidate(channel) }
        // A config block or a _lifecycle approval/commit changes who may and can endorse.
        if config || decoded.contains(where: { !$0.records.isEmpty }) { network.discovery.invalidate(channel: channel) }
        for r in inserted { events.publish(r.kind.rawValue, r.eventJSON) }
        setProgress(last)
    }

    private func setProgress(_ last: UInt64?) {
        guard let last else { return }
        let ready = progress.withLock { p -> [CheckedContinuation<Void, Never>] in
            p.lastBlock = max(p.lastBlock ?? 0, last)
            let (done, waiting) = (p.waiters.filter { $0.0 <= last }, p.waiters.filter { $0.0 > last })
            p.waiters = waiting
            return done.map(\.1)
        }
        for c in ready { c.resume() }
    }
}
