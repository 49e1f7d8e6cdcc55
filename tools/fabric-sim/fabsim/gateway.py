"""gateway.Gateway service (internal/pkg/gateway/api.go), in-process fan-out to the network's peers."""
import grpc

from . import crypto
from .endorser import unpack, EndorserError
from .gateway_errors import GatewayError
from .gateway_plan import call, has_chaincode, satisfiable, satisfied_by
from .msp import MSPError
from .pb import common, gateway as gw, presp, proposal, transaction
from .policy import PolicyError

__all__ = ["Gateway", "GatewayError"]


class Gateway:
    def __init__(self, peer, network):
        self.peer = peer
        self.network = network

    def _unpack(self, sp):
        if not sp.proposal_bytes:
            raise GatewayError(grpc.StatusCode.INVALID_ARGUMENT, "failed to unpack transaction proposal: "
                               "a signed proposal is required")
        try:
            u = unpack(sp)
        except EndorserError as e:
            raise GatewayError(grpc.StatusCode.INVALID_ARGUMENT, f"failed to unpack transaction proposal: {e}")
        if not u.channel:
            raise GatewayError(grpc.StatusCode.INVALID_ARGUMENT,
                               "failed to unpack transaction proposal: no channel id provided")
        if u.channel not in self.peer.channels:
            raise GatewayError(grpc.StatusCode.UNAVAILABLE, f"channel '{u.channel}' not found")
        return u

    def _candidates(self, u, orgs=None):
        """Running peers with the chaincode: own peer, own org, then others (registry order)."""
        ps = sorted((p for p in self.network.peers if p.running and has_chaincode(p, u.channel, u.cc)),
                    key=lambda p: (p is not self.peer, p.mspid != self.peer.mspid, p.mspid, p.name))
        return [p for p in ps if not orgs or p.mspid in orgs]

    # ------------------------------------------------------------ Evaluate
    def evaluate(self, req):
        u = self._unpack(req.proposed_transaction)
        peers = self._candidates(u, list(req.target_organizations))
        if not peers:
            raise GatewayError(grpc.StatusCode.FAILED_PRECONDITION,
                               f"no peers available to evaluate chaincode {u.cc} in channel {u.channel}")
        errors, code = [], grpc.StatusCode.UNAVAILABLE
        for p in peers:
            code, msg, retry, pr = call(p, req.proposed_transaction, p is self.peer)
            if code == grpc.StatusCode.OK:
                r = presp.Response()
                r.CopyFrom(pr.response)
                if pr.payload:
                    act = proposal.ChaincodeAction.FromString(
                        presp.ProposalResponsePayload.FromString(pr.payload).extension)
                    r.payload = act.response.payload
                return gw.EvaluateResponse(result=r)
            errors.append((p, msg))
            if not retry:
                raise GatewayError(code, "evaluate call to endorser returned error: " + msg, errors)
        raise GatewayError(code, "failed to evaluate transaction, see attached details for more info", errors)

    # ------------------------------------------------------------ Endorse
    def endorse(self, req):
        sp = req.proposed_transaction
        u = self._unpack(sp)
        cfg, led = self.peer.channels[u.channel], self.peer.ledgers[u.channel]
        orgs = list(req.endorsing_organizations)
        if orgs:
            return self._endorse_for_orgs(u, sp, orgs)
        peers = self._candidates(u)
        if not peers:      # discovery has no endorsers for this chaincode at all
            raise GatewayError(grpc.StatusCode.FAILED_PRECONDITION,
                               f'failed constructing descriptor for chaincodes:<name:"{u.cc}" >')
        errors, first, ends, done_orgs = [], None, [], set()
        for p in [q for q in peers if q.mspid == self.peer.mspid] or peers[:1]:
            code, msg, _, pr = call(p, sp, p is self.peer)
            if code == grpc.StatusCode.OK:
                first = pr
                ends.append(pr.endorsement)
                done_orgs.add(p.mspid)
                break
            errors.append((p, msg))
        if first is None:
            raise GatewayError(grpc.StatusCode.ABORTED, "failed to endorse transaction, see attached details "
                               "for more info", errors)
        if not satisfiable(cfg, led, u.cc, first, peers):
            raise GatewayError(grpc.StatusCode.FAILED_PRECONDITION,
                               "no combination of peers can be derived which satisfy the endorsement policy: "
                               f"required chaincodes are not installed on sufficient peers")
        for p in peers:
            if satisfied_by(cfg, led, u.cc, first, ends):
                break
            if p.mspid in done_orgs:
                continue
            code, msg, _, pr = call(p, sp, p is self.peer)
            if code != grpc.StatusCode.OK:
                errors.append((p, msg))
            elif pr.payload != first.payload:
                errors.append((p, "ProposalResponsePayloads do not match"))
            else:
                ends.append(pr.endorsement)
                done_orgs.add(p.mspid)
        if not satisfied_by(cfg, led, u.cc, first, ends):
            raise GatewayError(grpc.StatusCode.ABORTED, "failed to collect enough transaction endorsements, "
                               "see attached details for more info", errors)
        return gw.EndorseResponse(prepared_transaction=self._assemble(u, first, ends))

    def _endorse_for_orgs(self, u, sp, orgs):
        peers = self._candidates(u, orgs)
        missing = [o for o in orgs if o not in {p.mspid for p in peers}]
        if missing:
            raise GatewayError(grpc.StatusCode.UNAVAILABLE,
                               f"failed to find any endorsing peers for org(s): {', '.join(missing)}")
        errors, first, ends = [], None, []
        for org in dict.fromkeys(orgs):
            ok = False
            for p in [q for q in peers if q.mspid == org]:
                code, msg, _, pr = call(p, sp, p is self.peer)
                if code == grpc.StatusCode.OK and (first is None or pr.payload == first.payload):
                    first = first or pr
                    ends.append(pr.endorsement)
                    ok = True
                    break
                errors.append((p, msg or "ProposalResponsePayloads do not match"))
            if not ok:
                raise GatewayError(grpc.StatusCode.ABORTED, "failed to collect enough transaction endorsements, "
                                   "see attached details for more info", errors)
        return gw.EndorseResponse(prepared_transaction=self._assemble(u, first, ends))

    def _assemble(self, u, first, endorsements):
        cpp = proposal.ChaincodeProposalPayload(input=u.cpp.input).SerializeToString()
        seen, unique = set(), []
        for e in endorsements:
            if e.endorser not in seen:
                seen.add(e.endorser)
                unique.append(e)
        cap = transaction.ChaincodeActionPayload(
            chaincode_proposal_payload=cpp,
            action=transaction.ChaincodeEndorsedAction(proposal_response_payload=first.payload, endorsements=unique))
        tx = transaction.Transaction(actions=[transaction.TransactionAction(
            header=u.hdr.signature_header, payload=cap.SerializeToString())])
        payload = common.Payload(header=u.hdr, data=tx.SerializeToString())
        return common.Envelope(payload=payload.SerializeToString())

    # ------------------------------------------------------------ Submit / CommitStatus
    def submit(self, req):
        env = req.prepared_transaction
        if not req.HasField("prepared_transaction"):
            raise GatewayError(grpc.StatusCode.INVALID_ARGUMENT, "a prepared transaction is required")
        if not env.signature:
            raise GatewayError(grpc.StatusCode.INVALID_ARGUMENT, "prepared transaction must be signed")
        if req.channel_id not in self.peer.channels:
            raise GatewayError(grpc.StatusCode.FAILED_PRECONDITION, f"channel '{req.channel_id}' not found")
        o = self.network.orderer
        if not o.running:
            raise GatewayError(grpc.StatusCode.UNAVAILABLE, "no orderers could successfully process transaction",
                               [(o, "connection refused: orderer is stopped")])
        status, info = o.broadcast(env)
        if status == common.SUCCESS:
            return gw.SubmitResponse()
        msg = f"received unsuccessful response from orderer: status={common.Status.Name(status)}, info={info}"
        if 400 <= status < 500:
            raise GatewayError(grpc.StatusCode.ABORTED, msg)
        raise GatewayError(grpc.StatusCode.UNAVAILABLE, "no orderers could successfully process transaction",
                           [(o, msg)])

    def commit_status(self, req, timeout):
        if not req.request:
            raise GatewayError(grpc.StatusCode.INVALID_ARGUMENT, "a commit status request is required")
        r = gw.CommitStatusRequest.FromString(req.request)
        cfg = self.peer.channels.get(r.channel_id)
        if cfg is None:
            raise GatewayError(grpc.StatusCode.PERMISSION_DENIED, f"channel '{r.channel_id}' not found")
        try:
            ident = cfg.msps.deserialize(r.identity)
            ident.validate()
            ident.verify(req.request, req.signature)
            cfg.evaluate("/Channel/Application/Readers", [ident])
        except (MSPError, crypto.SignatureError, PolicyError) as e:
            raise GatewayError(grpc.StatusCode.PERMISSION_DENIED,
                               f"Failed evaluating policy on signed data during check policy on channel "
                               f"[{r.channel_id}] with policy [/Channel/Application/Readers]: [{e}]")
        loc = self.peer.ledgers[r.channel_id].wait_for_tx(r.transaction_id, timeout)
        if loc is None:
            raise GatewayError(grpc.StatusCode.DEADLINE_EXCEEDED, "context deadline exceeded")
        return gw.CommitStatusResponse(result=loc[2], block_number=loc[0])
