"""gateway.Gateway service (internal/pkg/gateway), in-process fan-out to the network's peers."""
import grpc

from . import crypto, validator
from .endorser import EndorserError, unpack
from .msp import MSPError
from .pb import common, gateway as gw, presp, proposal, rwset, transaction
from .policy import PolicyError


class GatewayError(Exception):
    """A gRPC status plus per-node ErrorDetails (sent in grpc-status-details-bin)."""

    def __init__(self, code, message, details=()):
        super().__init__(message)
        self.code = code
        self.details = list(details)     # [(peer, message)]

    def status_details_bin(self) -> bytes:
        """Serialized google.rpc.Status{code, message, details: [Any(gateway.ErrorDetail)]}."""
        def field(num, data):
            return _varint(num << 3 | 2) + _varint(len(data)) + data
        out = _varint(1 << 3) + _varint(self.code.value[0]) + field(2, str(self).encode())
        for node, msg in self.details:
            d = gw.ErrorDetail(address=f"127.0.0.1:{node.port}", msp_id=node.mspid, message=msg)
            anyb = field(1, b"type.googleapis.com/gateway.ErrorDetail") + field(2, d.SerializeToString())
            out += field(3, anyb)
        return out


def _varint(n):
    out = b""
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out += bytes([b | 0x80])
        else:
            return out + bytes([b])


class Gateway:
    def __init__(self, peer, network):
        self.peer = peer
        self.network = network

    def _peers_for(self, orgs=None):
        own = [self.peer] if self.peer.running else []
        others = [p for p in self.network.peers if p is not self.peer and p.running]
        ps = own + sorted(others, key=lambda p: (p.mspid != self.peer.mspid, p.name))
        if orgs:
            ps = [p for p in ps if p.mspid in orgs]
        return ps

    def evaluate(self, req):
        u = unpack(req.proposed_transaction)
        if not u.channel:
            raise GatewayError(grpc.StatusCode.INVALID_ARGUMENT, "no channel id provided")
        targets = self._peers_for(list(req.target_organizations))
        if not targets:
            raise GatewayError(grpc.StatusCode.UNAVAILABLE, "no peers available to evaluate chaincode "
                               f"{u.cc} in channel {u.channel}")
        target = targets[0]
        try:
            pr = target.endorser.process(req.proposed_transaction)
        except EndorserError as e:
            if target is self.peer:
                raise GatewayError(grpc.StatusCode.FAILED_PRECONDITION,
                                   f"evaluate call to endorser returned error: {e}")
            raise GatewayError(grpc.StatusCode.UNAVAILABLE, str(e), [(target, str(e))])
        return gw.EvaluateResponse(result=self._result(pr))

    def _result(self, pr):
        r = pr.response
        if r.status >= 500 and not pr.payload:
            raise GatewayError(grpc.StatusCode.ABORTED, r.message)
        if r.status >= 400:
            raise GatewayError(grpc.StatusCode.UNKNOWN, f"chaincode response {r.status}, {r.message}")
        return r

    def endorse(self, req):
        sp = req.proposed_transaction
        u = unpack(sp)
        if not u.channel:
            raise GatewayError(grpc.StatusCode.INVALID_ARGUMENT, "no channel id provided")
        orgs = list(req.endorsing_organizations)
        peers = self._peers_for(orgs)
        if orgs:
            missing = sorted(set(orgs) - {p.mspid for p in peers})
            if missing:
                raise GatewayError(grpc.StatusCode.UNAVAILABLE,
                                   f"failed to find any endorsing peers for org(s): {', '.join(missing)}")
        cfg = self.peer.channels[u.channel]
        led = self.peer.ledgers[u.channel]
        first, endorsements, seen_orgs, errors = None, [], set(), []
        for p in peers:
            if not orgs and p.mspid in seen_orgs:
                continue
            try:
                pr = p.endorser.process(sp)
            except EndorserError as e:
                errors.append((p, str(e)))
                continue
            if pr.response.status < 200 or pr.response.status >= 400 or not pr.HasField("endorsement"):
                errors.append((p, pr.response.message))
                if first is None and p is self.peer and pr.response.status >= 400 and pr.payload:
                    raise GatewayError(grpc.StatusCode.UNKNOWN,
                                       f"chaincode response {pr.response.status}, {pr.response.message}")
                continue
            if first is None:
                first = pr
            elif pr.payload != first.payload:
                errors.append((p, "ProposalResponsePayloads do not match"))
                continue
            endorsements.append(pr.endorsement)
            seen_orgs.add(p.mspid)
            if not orgs and self._satisfied(cfg, led, u, first, endorsements):
                break
        if first is None or (orgs and seen_orgs != set(orgs)) or \
                (not orgs and not self._satisfied(cfg, led, u, first, endorsements)):
            raise GatewayError(grpc.StatusCode.ABORTED,
                               "failed to collect enough transaction endorsements, see attached details "
                               "for more info", errors)
        return gw.EndorseResponse(prepared_transaction=self._assemble(u, first, endorsements))

    def _satisfied(self, cfg, led, u, first, endorsements):
        act = proposal.ChaincodeAction.FromString(presp.ProposalResponsePayload.FromString(first.payload).extension)
        rws = rwset.TxReadWriteSet.FromString(act.results)
        idents = validator.endorsement_identities(cfg, first.payload, endorsements)
        if u.cc == "_lifecycle":
            # discovery plans _lifecycle with its plain policy (LifecycleEndorsement), whatever it writes
            return validator.satisfied(cfg, ("ref", "/Channel/Application/LifecycleEndorsement"), idents)
        return validator.endorsement_ok(cfg, led, u.cc, rws, idents)

    def _assemble(self, u, first, endorsements):
        cpp = proposal.ChaincodeProposalPayload(input=u.cpp.input).SerializeToString()
        cap = transaction.ChaincodeActionPayload(
            chaincode_proposal_payload=cpp,
            action=transaction.ChaincodeEndorsedAction(proposal_response_payload=first.payload,
                                                       endorsements=endorsements))
        tx = transaction.Transaction(actions=[transaction.TransactionAction(
            header=u.hdr.signature_header, payload=cap.SerializeToString())])
        payload = common.Payload(header=u.hdr, data=tx.SerializeToString())
        return common.Envelope(payload=payload.SerializeToString())

    def submit(self, req):
        env = req.prepared_transaction
        if not env.signature:
            raise GatewayError(grpc.StatusCode.INVALID_ARGUMENT, "prepared transaction must be signed")
        o = self.network.orderer
        if not o.running:
            raise GatewayError(grpc.StatusCode.UNAVAILABLE, "no orderers could successfully process transaction")
        status, info = o.broadcast(env)
        if status != common.SUCCESS:
            if status == common.SERVICE_UNAVAILABLE:
                raise GatewayError(grpc.StatusCode.UNAVAILABLE, "no orderers could successfully process transaction")
            raise GatewayError(grpc.StatusCode.ABORTED, "received unsuccessful response from orderer: "
                               f"status={common.Status.Name(status)}, info={info}")
        return gw.SubmitResponse()

    def commit_status(self, req, timeout):
        r = gw.CommitStatusRequest.FromString(req.request)
        cfg = self.peer.channels.get(r.channel_id)
        if cfg is None:
            raise GatewayError(grpc.StatusCode.NOT_FOUND, f"channel '{r.channel_id}' not found")
        try:
            ident = cfg.msps.deserialize(r.identity)
            ident.validate()
            ident.verify(req.request, req.signature)
            cfg.evaluate("/Channel/Application/Readers", [ident])
        except (MSPError, crypto.SignatureError, PolicyError) as e:
            raise GatewayError(grpc.StatusCode.PERMISSION_DENIED, str(e))
        loc = self.peer.ledgers[r.channel_id].wait_for_tx(r.transaction_id, timeout)
        if loc is None:
            raise GatewayError(grpc.StatusCode.DEADLINE_EXCEEDED, "context deadline exceeded")
        return gw.CommitStatusResponse(result=loc[2], block_number=loc[0])
