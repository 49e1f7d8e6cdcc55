import FabricProtos
import Foundation
import TLSCrypto

/// Runs the classic Fabric flow (fabric-gateway's shape): `Proposal` -> endorse on peers ->
/// `Transaction` -> submit to an orderer -> commit status from a peer's DeliverFiltered.
///
/// Everything that can fail locally is done before broadcasting; the commit listener is
/// connected (first DeliverFiltered response received) before the envelope is sent.
public struct FabricClient: Sendable {
    public let transport: any FabricTransport
    public let signer: SigningIdentity
    public var timeouts: FabricTimeouts
    /// SHA-256 of the client's TLS certificate DER, put in Deliver seek envelopes; required
    /// when peers run mutual TLS (docs/fabric-notes.md §5.2), harmless otherwise.
    public var tlsCertificateHash: [UInt8]?

    public init(transport: any FabricTransport, signer: SigningIdentity, timeouts: FabricTimeouts = FabricTimeouts(),
                tlsCertificateHash: [UInt8]? = nil) {
        self.transport = transport
        self.signer = signer
        self.timeouts = timeouts
        self.tlsCertificateHash = tlsCertificateHash
    }

    /// The `tls_cert_hash` for a client TLS certificate PEM. Throws `IdentityError`.
    public static func tlsCertificateHash(certificatePEM: String) throws -> [UInt8] {
        do {
            return SHA256.hash(try X509Certificate(pem: certificatePEM).derBytes)
        } catch let error as CryptoError {
            throw IdentityError("invalid TLS client certificate: \(error.message)")
        }
    }

    /// A signed proposal for `invocation` by this client's identity.
    public func proposal(_ invocation: ChaincodeInvocation) throws -> Proposal {
        var proposal = Proposal(invocation, creator: signer.identity)
        try proposal.sign(with: signer)
        return proposal
    }

    /// Query: sends the proposal to one peer; returns the chaincode response if its status is
    /// in [200, 400), else throws `EndorseError` carrying the peer's status and message.
    public func evaluate(_ proposal: Proposal, on peer: FabricEndpoint, timeout: Duration? = nil) async throws
        -> Protos_Response {
        let response = try await endorsements(proposal, on: [peer], timeout: timeout ?? timeouts.endorse)[0]
        guard response.isSuccess else {
            throw EndorseError(transactionID: proposal.transactionID, message: "proposal response was not successful",
                               details: [response.failure])
        }
        return response.response.response
    }

    /// Sends the proposal to every peer concurrently and assembles the transaction (section
    /// 3.3). Transport failures and refusals become one `EndorseError` with per-peer details.
    public func endorse(_ proposal: Proposal, on peers: [FabricEndpoint], timeout: Duration? = nil) async throws
        -> Transaction {
        let responses = try await endorsements(proposal, on: peers, timeout: timeout ?? timeouts.endorse)
        return try Transaction(proposal: proposal, responses: responses)
    }

    /// Sends the proposal to one peer and returns its successful response whole (with the
    /// chaincode interest it observed); a refusal or transport failure throws `EndorseError`.
    public func endorsement(_ proposal: Proposal, on peer: FabricEndpoint, timeout: Duration? = nil) async throws
        -> EndorsementResponse {
        let response = try await endorsements(proposal, on: [peer], timeout: timeout ?? timeouts.endorse)[0]
        guard response.isSuccess else {
            throw EndorseError(transactionID: proposal.transactionID, message: "proposal response was not successful",
                               details: [response.failure])
        }
        return response
    }

    /// Sends the proposal to `peers` (none: nothing is sent) and assembles the transaction from
    /// their responses and `collected`, responses already received for the same proposal.
    public func endorse(_ proposal: Proposal, on peers: [FabricEndpoint], adding collected: [EndorsementResponse],
                        timeout: Duration? = nil) async throws -> Transaction {
        let more = peers.isEmpty ? [] : try await endorsements(proposal, on: peers, timeout: timeout ?? timeouts.endorse)
        return try Transaction(proposal: proposal, responses: collected + more)
    }

    /// Signs (if needed) and submits `transaction`, then waits for its validation code.
    /// Throws `SubmitError` if the orderer refuses, `CommitError` if it commits invalid or the
    /// commit is not seen within `timeouts.commit`.
    public func submit(_ transaction: Transaction, orderer: FabricEndpoint, commitPeer: FabricEndpoint) async throws
        -> CommitStatus {
        var transaction = transaction
        try transaction.sign(with: signer)
        let envelope = transaction.envelope
        let txID = transaction.transactionID
        let seek = try SeekEnvelope.make(channelID: transaction.channelID, start: .newest, signer: signer,
                                         tlsCertHash: commitPeer.tlsCertificateHash ?? tlsCertificateHash)
        let waiter = try await CommitWaiter.connect(transport: transport, peer: commitPeer, seek: seek, transactionID: txID)
        do {
            let response = try await transport.broadcast(orderer: orderer, envelope, timeout: timeouts.submit)
            guard response.status == .success else {
                throw SubmitError(transactionID: txID, message: "received unsuccessful response from orderer: status=\(Self.name(response.status)), info=\(response.info)",
                                  details: [NodeFailure(endpoint: orderer.address, status: Int32(response.status.rawValue),
                                                        message: response.info)])
            }
        } catch let error as SubmitError {
            waiter.cancel()
            throw error
        } catch {
            waiter.cancel()
            throw SubmitError(transactionID: txID, message: "failed to send transaction to orderer \(orderer): \(error)",
                              details: [NodeFailure(endpoint: orderer.address, transportError: error)])
        }
        let status = try await waiter.wait(timeout: timeouts.commit)
        guard status.isValid else {
            throw CommitError(transactionID: txID, message: "transaction \(txID) invalidated with status (\(status.validationCode.name))",
                              validationCode: status.validationCode, blockNumber: status.blockNumber)
        }
        return status
    }

    /// Proposal -> endorse -> submit -> commit, returning the chaincode result and commit status.
    public func submitTransaction(_ invocation: ChaincodeInvocation, endorsingPeers: [FabricEndpoint],
                                  orderer: FabricEndpoint, commitPeer: FabricEndpoint) async throws
        -> (result: [UInt8], status: CommitStatus) {
        let transaction = try await endorse(proposal(invocation), on: endorsingPeers)
        let status = try await submit(transaction, orderer: orderer, commitPeer: commitPeer)
        return (transaction.result, status)
    }

    private func endorsements(_ proposal: Proposal, on peers: [FabricEndpoint], timeout: Duration) async throws
        -> [EndorsementResponse] {
        guard !peers.isEmpty else {
            throw EndorseError(transactionID: proposal.transactionID, message: "no endorsing peers given")
        }
        let signed = proposal.signedProposal
        let outcomes: [Result<Protos_ProposalResponse, any Error>]
        if peers.count == 1 {
            // One peer (every query): no child task to create, schedule and await.
            do {
                outcomes = [.success(try await transport.endorse(peer: peers[0], signed, timeout: timeout))]
            } catch {
                outcomes = [.failure(error)]
            }
        } else {
            outcomes = await endorseConcurrently(signed, on: peers, timeout: timeout)
        }
        var responses: [EndorsementResponse] = []
        var failures: [NodeFailure] = []
        for (peer, outcome) in zip(peers, outcomes) {
            switch outcome {
            case .success(let response): responses.append(EndorsementResponse(endpoint: peer.address, response: response))
            case .failure(let error): failures.append(NodeFailure(endpoint: peer.address, transportError: error))
            }
        }
        if !failures.isEmpty {
            throw EndorseError(transactionID: proposal.transactionID, message: "failed to collect endorsements",
                               details: failures + responses.filter { !$0.isSuccess }.map(\.failure))
        }
        return responses
    }

    /// Sends `signed` to every peer at once; results in `peers` order.
    private func endorseConcurrently(_ signed: Protos_SignedProposal, on peers: [FabricEndpoint], timeout: Duration) async
        -> [Result<Protos_ProposalResponse, any Error>] {
        // A named struct, not a tuple: Swift 6.3.1 at -O corrupts task-group child results of
        // type (Int, Result<T, any Error>) (index and payload arrive wrong; reproduced standalone).
        await withTaskGroup(of: EndorsementOutcome.self) { group in
            for (index, peer) in peers.enumerated() {
                group.addTask { [transport] in
                    do {
                        return EndorsementOutcome(index: index, result: .success(try await transport.endorse(peer: peer, signed, timeout: timeout)))
                    } catch {
                        return EndorsementOutcome(index: index, result: .failure(error))
                    }
                }
            }
            var collected: [EndorsementOutcome] = []
            collected.reserveCapacity(peers.count)
            for await outcome in group { collected.append(outcome) }
            return collected.sorted { $0.index < $1.index }.map(\.result)
        }
    }

    static func name(_ status: Common_Status) -> String {
        switch status {
        case .unknown: "UNKNOWN"
        case .success: "SUCCESS"
        case .badRequest: "BAD_REQUEST"
        case .forbidden: "FORBIDDEN"
        case .notFound: "NOT_FOUND"
        case .requestEntityTooLarge: "REQUEST_ENTITY_TOO_LARGE"
        case .internalServerError: "INTERNAL_SERVER_ERROR"
        case .notImplemented: "NOT_IMPLEMENTED"
        case .serviceUnavailable: "SERVICE_UNAVAILABLE"
        case .UNRECOGNIZED(let n): "\(n)"
        }
    }
}

/// Client-side deadlines for each step.
public struct FabricTimeouts: Sendable, Hashable {
    /// ProcessProposal (install builds the chaincode: give it minutes).
    public var endorse: Duration
    /// Broadcast to the orderer.
    public var submit: Duration
    /// Waiting for the commit (CLI default `--waitForEventTimeout 30s`).
    public var commit: Duration

    public init(endorse: Duration = .seconds(30), submit: Duration = .seconds(30), commit: Duration = .seconds(30)) {
        self.endorse = endorse
        self.submit = submit
        self.commit = commit
    }
}

/// One peer's answer to a proposal, tagged with the peer's position in the request.
private struct EndorsementOutcome: Sendable {
    let index: Int
    let result: Result<Protos_ProposalResponse, any Error>
}
