"""What gossip would tell a peer about the others: alive and state-info envelopes, chaincode metadata.

Every simulated peer advertises `127.0.0.1:<port>` as its endpoint (a real peer's
`peer.gossip.externalEndpoint`), or `<peer name>:<port>` with `up --advertise-names`, as peers in
Docker do (`peer0.org1.example.com:7051`, a name only the containers resolve). A peer is alive while its gRPC server runs (real gossip needs
`aliveExpirationTimeout`, 25 s by default, to notice a dead peer; the sim notices at once).
"""
import hashlib
import time

from . import lcstate
from .gateway_plan import has_chaincode
from .pb import peerpolicy
from .simulator import TxSimulator
from fabric_protos.gossip import message_pb2 as gossip

_START = time.time_ns()


def pki_id(peer) -> bytes:
    # internal/peer/gossip/mcs.go GetPKIidOfCert: SHA-256(MSP ID || id bytes)
    return hashlib.sha256(peer.mspid.encode() + peer.signer.cert_pem).digest()


def _envelope(peer, msg) -> "gossip.Envelope":
    payload = msg.SerializeToString()
    return gossip.Envelope(payload=payload, signature=peer.signer.sign(payload))


def alive_envelope(peer) -> "gossip.Envelope":
    pid = pki_id(peer)
    msg = gossip.GossipMessage(tag=gossip.GossipMessage.EMPTY, alive_msg=gossip.AliveMessage(
        membership=gossip.Member(endpoint=endpoint(peer), pki_id=pid),
        timestamp=gossip.PeerTime(inc_num=_START, seq_num=int(time.time())),
        identity=peer.signer.serialized))
    return _envelope(peer, msg)


def endpoint(peer) -> str:
    host = peer.name if peer.network.advertise_names else "127.0.0.1"
    return f"{host}:{peer.port}"


def advertised_chaincodes(peer, channel):
    """[(name, version)]: what the peer runs, version = definition sequence
    (core/chaincode/lifecycle/cache.go retrieveChaincodesMetadataSetWhileLocked; _lifecycle is "1")."""
    led = peer.ledgers.get(channel)
    if led is None:
        return []
    sim = TxSimulator(led)
    out = []
    for name in sorted(lcstate.committed_names(led)):
        if has_chaincode(peer, channel, name):
            out.append((name, str(lcstate.committed(sim, name).sequence)))
    out.append((lcstate.NS, "1"))
    return out


def state_info_envelope(peer, channel) -> "gossip.Envelope":
    pid = pki_id(peer)
    props = gossip.Properties(
        ledger_height=peer.ledgers[channel].height,
        chaincodes=[gossip.Chaincode(name=n, version=v) for n, v in advertised_chaincodes(peer, channel)])
    msg = gossip.GossipMessage(tag=gossip.GossipMessage.CHAN_OR_ORG, state_info=gossip.StateInfo(
        timestamp=gossip.PeerTime(inc_num=_START, seq_num=int(time.time())), pki_id=pid,
        channel_MAC=hashlib.sha256(pid + channel.encode()).digest(), properties=props))
    return _envelope(peer, msg)


def metadata(cfg, peer, channel, cc):
    """(version, policy envelope, CollectionConfigPackage | None) as the local peer's
    MetadataProvider.Metadata gives it (core/chaincode/lifecycle/metadata_provider.go); None if undefined."""
    from . import inquire
    from .pb import collection
    if cc == lcstate.NS:
        return "1", inquire.convert(cfg, "/Channel/Application/LifecycleEndorsement"), None
    led = peer.ledgers.get(channel)
    d = lcstate.committed(TxSimulator(led), cc) if led else None
    if d is None:
        return None
    ap = peerpolicy.ApplicationPolicy.FromString(d.with_defaults().validation_parameter)
    if ap.WhichOneof("Type") == "signature_policy":
        pol = ap.signature_policy
    else:
        pol = inquire.convert(cfg, ap.channel_config_policy_reference)
    return str(d.sequence), pol, collection.CollectionConfigPackage.FromString(d.collections)
