"""What the gateway's registry/discovery would know: which peers can endorse, and policy plans."""
import grpc

from . import lcstate, validator
from .endorser import SYSCCS, EndorserError
from .msp import MSPError
from .pb import presp, proposal, rwset
from .simulator import TxSimulator


def has_chaincode(peer, channel, cc) -> bool:
    """Discovery only advertises chaincodes a peer can run: SCCs, or defined+approved+installed."""
    if cc in SYSCCS:
        return True
    led = peer.ledgers.get(channel)
    if led is None:
        return False
    sim = TxSimulator(led)
    d = lcstate.committed(sim, cc)
    if d is None or not lcstate.org_approved(sim, peer.mspid, cc, d):
        return False
    return peer.packages.has(lcstate.approved_package(sim, peer.mspid, cc, d.sequence) or "")


def call(peer, signed, local):
    """ProcessProposal on a peer; returns (code, message, retry, response) like gateway responseStatus."""
    try:
        pr = peer.endorser.process(signed)
    except EndorserError as e:
        # in-process (own peer): response + error => client error, no retry; remote: gRPC error => retry
        return (grpc.StatusCode.FAILED_PRECONDITION, str(e), False, None) if local else \
            (grpc.StatusCode.UNAVAILABLE, str(e), True, None)
    st = pr.response.status
    if st < 200 or st >= 400:
        if not pr.payload and st == 500:
            return grpc.StatusCode.ABORTED, pr.response.message, True, pr
        return grpc.StatusCode.UNKNOWN, f"chaincode response {st}, {pr.response.message}", False, pr
    return grpc.StatusCode.OK, "", False, pr


def _policy(cfg, led, cc, first):
    if cc == "_lifecycle":
        # discovery plans _lifecycle with its plain policy (LifecycleEndorsement), whatever it writes
        return lambda idents: validator.satisfied(cfg, ("ref", "/Channel/Application/LifecycleEndorsement"), idents)
    act = proposal.ChaincodeAction.FromString(presp.ProposalResponsePayload.FromString(first.payload).extension)
    rws = rwset.TxReadWriteSet.FromString(act.results)
    return lambda idents: validator.endorsement_ok(cfg, led, cc, rws, idents)


def satisfied_by(cfg, led, cc, first, endorsements):
    idents = validator.endorsement_identities(cfg, first.payload, endorsements)
    return _policy(cfg, led, cc, first)(idents)


def satisfiable(cfg, led, cc, first, peers):
    """Could these peers' identities satisfy the policy at all (discovery's layout computation)?"""
    idents = []
    for p in peers:
        try:
            idents.append(cfg.msps.deserialize(p.signer.serialized))
        except MSPError:
            pass
    return _policy(cfg, led, cc, first)(idents)
