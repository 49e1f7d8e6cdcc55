"""The Discovery service (discovery/service.go), driven by a small independent discovery client."""
import hashlib
import os

import grpc
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization

from conftest import deploy, invoke
from fabclient import Lifecycle, Net, start_sim, stop_sim
from fabric_protos.discovery import protocol_pb2 as disc
from fabric_protos.discovery import protocol_pb2_grpc as disc_grpc
from fabric_protos.gossip import message_pb2 as gossip
from fabsim.pb import collection, peerpolicy, presp
from fabsim.policy import from_string

ORGS = ("Org1MSP", "Org2MSP", "Org3MSP")


@pytest.fixture(scope="module")
def net(tmp_path_factory):
    d = str(tmp_path_factory.mktemp("simdisc"))
    proc = start_sim(d, "--orgs", "3", "--mutual-tls")
    n = Net(d)
    yield n
    n.close()
    stop_sim(proc)


class Client:
    """Builds SignedRequests the way discovery/client/client.go does and sends them to one peer."""

    def __init__(self, net, ident, peer_msp="Org1MSP", tls_dir=None):
        self.net, self.ident = net, ident
        self.tls_dir = tls_dir or net.orgs["Org1MSP"]["adminTlsDir"]
        self.stub = disc_grpc.DiscoveryStub(net.channel(net.peer_info(peer_msp), self.tls_dir))

    def tls_hash(self):
        pem = open(os.path.join(self.tls_dir, "client.crt"), "rb").read()
        der = x509.load_pem_x509_certificate(pem).public_bytes(serialization.Encoding.DER)
        return hashlib.sha256(der).digest()

    def send(self, *queries, auth=True, tls_hash=None):
        req = disc.Request(queries=list(queries))
        if auth:
            req.authentication.client_identity = self.ident.creator
            req.authentication.client_tls_cert_hash = self.tls_hash() if tls_hash is None else tls_hash
        payload = req.SerializeToString()
        signed = disc.SignedRequest(payload=payload, signature=self.ident.sign(payload))
        return self.stub.Discover(signed, timeout=10).results


def cc_query(*calls, channel="mychannel"):
    interest = presp.ChaincodeInterest(chaincodes=[
        presp.ChaincodeCall(name=c) if isinstance(c, str) else c for c in calls])
    return disc.Query(channel=channel, cc_query=disc.ChaincodeQuery(interests=[interest]))


def sig(dsl):
    return peerpolicy.ApplicationPolicy(signature_policy=from_string(dsl)).SerializeToString()


def layouts(desc):
    """Layouts as sorted lists of (sorted MSP IDs of the group's peers, quantity)."""
    def orgs(g):
        from fabsim.pb import identities
        return tuple(sorted({identities.SerializedIdentity.FromString(p.identity).mspid
                             for p in desc.endorsers_by_groups[g].peers}))
    return sorted(sorted((orgs(g), q) for g, q in lay.quantities_by_group.items()) for lay in desc.layouts)


def test_config_query(net):
    r = Client(net, net.user("Org2MSP")).send(disc.Query(channel="mychannel", config_query=disc.ConfigQuery()))
    cfg = r[0].config_result
    assert set(cfg.msps) == {"Org1MSP", "Org2MSP", "Org3MSP", "OrdererMSP"}
    tlsca = open(net.peer_info("Org2MSP")["tlsRootCert"], "rb").read()
    assert cfg.msps["Org2MSP"].tls_root_certs[0].strip() == tlsca.strip()
    eps = cfg.orderers["OrdererMSP"].endpoint
    assert [(e.host, e.port) for e in eps] == [("127.0.0.1", net.ready["orderer"]["port"])]


def test_peer_membership_and_local_peers(net):
    c = Client(net, net.user("Org1MSP"))
    r = c.send(disc.Query(channel="mychannel", peer_query=disc.PeerMembershipQuery()))
    by_org = r[0].members.peers_by_org
    assert set(by_org) == set(ORGS)
    p = by_org["Org2MSP"].peers[0]
    alive = gossip.GossipMessage.FromString(p.membership_info.payload).alive_msg
    assert alive.membership.endpoint == f"127.0.0.1:{net.peer_info('Org2MSP')['port']}"
    state = gossip.GossipMessage.FromString(p.state_info.payload).state_info
    assert state.properties.ledger_height == net.height("Org2MSP")
    assert ("_lifecycle", "1") in [(x.name, x.version) for x in state.properties.chaincodes]
    # LocalPeerQuery: channel-less, only for an admin of the peer's own org
    local = disc.Query(local_peers=disc.LocalPeerQuery())
    assert r[0].WhichOneof("result") == "members"
    assert c.send(local)[0].error.content == "access denied"
    res = Client(net, net.admin("Org1MSP")).send(local)[0].members.peers_by_org
    assert set(res) == set(ORGS) and not res["Org1MSP"].peers[0].HasField("state_info")


def test_whole_request_errors(net):
    c = Client(net, net.user("Org1MSP"))
    q = disc.Query(channel="mychannel", config_query=disc.ConfigQuery())
    with pytest.raises(grpc.RpcError) as e:
        c.send(q, auth=False)
    assert e.value.code() == grpc.StatusCode.UNKNOWN
    assert e.value.details() == "access denied, no authentication info in request"
    with pytest.raises(grpc.RpcError) as e:
        c.send(q, tls_hash=b"\x01" * 32)
    assert e.value.details() == "client claimed TLS hash doesn't match computed TLS hash from gRPC stream"


def test_per_query_errors(net):
    c = Client(net, net.user("Org1MSP"))
    r = c.send(disc.Query(channel="nochannel", config_query=disc.ConfigQuery()),
               cc_query("nosuchcc"),
               disc.Query(channel="mychannel", cc_query=disc.ChaincodeQuery()),
               disc.Query(channel="mychannel", local_peers=disc.LocalPeerQuery()),
               disc.Query(channel="mychannel", config_query=disc.ConfigQuery()))
    assert r[0].error.content == "access denied"
    assert r[1].error.content == 'failed constructing descriptor for chaincodes:<name:"nosuchcc" > '
    assert r[2].error.content == "chaincode query must have at least one chaincode interest"
    assert r[3].error.content == "unknown or missing request type"
    assert r[4].WhichOneof("result") == "config_result"


@pytest.mark.parametrize("dsl,expected", [
    ("AND('Org1MSP.peer','Org2MSP.peer')", [[(("Org1MSP",), 1), (("Org2MSP",), 1)]]),
    ("OR('Org1MSP.peer','Org2MSP.peer')", [[(("Org1MSP",), 1)], [(("Org2MSP",), 1)]]),
    ("OutOf(2,'Org1MSP.peer','Org2MSP.peer','Org3MSP.peer')",
     [[(("Org1MSP",), 1), (("Org2MSP",), 1)], [(("Org1MSP",), 1), (("Org3MSP",), 1)],
      [(("Org2MSP",), 1), (("Org3MSP",), 1)]]),
    (None, [[(("Org1MSP",), 1), (("Org2MSP",), 1)], [(("Org1MSP",), 1), (("Org3MSP",), 1)],
            [(("Org2MSP",), 1), (("Org3MSP",), 1)]]),   # default: MAJORITY Endorsement of 3 orgs
])
def test_layouts(net, dsl, expected):
    name = f"disc-{abs(hash(dsl)) % 100000}"
    kw = {"policy": sig(dsl)} if dsl else {}
    deploy(Lifecycle(net), name, ORGS, **kw)
    r = Client(net, net.user("Org2MSP"), peer_msp="Org2MSP").send(cc_query(name))
    desc = r[0].cc_query_res.content[0]
    assert desc.chaincode == name
    assert layouts(desc) == sorted(sorted(x) for x in expected)
    code, _ = invoke(net, name, ["InitLedger"], endorsers=("Org1MSP", "Org2MSP"), submitter="Org2MSP")
    assert code == 0


def test_only_peers_running_the_chaincode(net):
    lc = Lifecycle(net)
    deploy(lc, "disc-two", ORGS[:2], policy=sig("OR('Org1MSP.peer','Org2MSP.peer','Org3MSP.peer')"))
    c = Client(net, net.user("Org1MSP"))
    desc = c.send(cc_query("disc-two"))[0].cc_query_res.content[0]
    # Org3 did not approve (nor install): its peer cannot run it, so no layout uses Org3
    assert layouts(desc) == [[(("Org1MSP",), 1)], [(("Org2MSP",), 1)]]
    filt = disc.Query(channel="mychannel", peer_query=disc.PeerMembershipQuery(
        filter=presp.ChaincodeInterest(chaincodes=[presp.ChaincodeCall(name="disc-two")])))
    by_org = c.send(filt)[0].members.peers_by_org
    assert len(by_org["Org3MSP"].peers) == 0 and len(by_org["Org1MSP"].peers) == 1


def test_collection_member_policy_narrows_layouts(net):
    pkg = collection.CollectionConfigPackage(config=[collection.CollectionConfig(
        static_collection_config=collection.StaticCollectionConfig(
            name="org23", required_peer_count=0, maximum_peer_count=3, block_to_live=0,
            member_orgs_policy=collection.CollectionPolicyConfig(
                signature_policy=from_string("OR('Org2MSP.member','Org3MSP.member')"))))])
    dsl = "OR('Org1MSP.peer','Org2MSP.peer','Org3MSP.peer')"
    deploy(Lifecycle(net), "disc-coll", ORGS, policy=sig(dsl), collections=pkg)
    c = Client(net, net.user("Org1MSP"))
    call = presp.ChaincodeCall(name="disc-coll", collection_names=["org23"])
    desc = c.send(cc_query(call))[0].cc_query_res.content[0]
    assert layouts(desc) == [[(("Org2MSP",), 1)], [(("Org3MSP",), 1)]]
    bad = presp.ChaincodeCall(name="disc-coll", collection_names=["nope"])
    assert c.send(cc_query(bad))[0].error.content == \
        'failed constructing descriptor for chaincodes:<name:"disc-coll" collection_names:"nope" > '


def test_stopped_peer_leaves_the_layouts(net):
    import urllib.request
    deploy(Lifecycle(net), "disc-down", ORGS, policy=sig("OR('Org1MSP.peer','Org3MSP.peer')"))
    url = net.ready["controlUrl"] + "/nodes/peer0.org3.example.com/"
    urllib.request.urlopen(urllib.request.Request(url + "stop", data=b"{}", method="POST")).read()
    try:
        desc = Client(net, net.user("Org1MSP")).send(cc_query("disc-down"))[0].cc_query_res.content[0]
        assert layouts(desc) == [[(("Org1MSP",), 1)]]
    finally:
        urllib.request.urlopen(urllib.request.Request(url + "start", data=b"{}", method="POST")).read()


def test_chaincode_to_chaincode_interest(net):
    deploy(Lifecycle(net), "disc-a", ORGS, policy=sig("OR('Org1MSP.peer','Org2MSP.peer')"))
    deploy(Lifecycle(net), "disc-b", ORGS, policy=sig("OR('Org2MSP.peer','Org3MSP.peer')"))
    desc = Client(net, net.user("Org1MSP")).send(cc_query("disc-a", "disc-b"))[0].cc_query_res.content[0]
    assert desc.chaincode == "disc-a"
    assert layouts(desc) == sorted([[(("Org1MSP",), 1), (("Org2MSP",), 1)], [(("Org2MSP",), 1)],
                                    [(("Org1MSP",), 1), (("Org3MSP",), 1)],
                                    [(("Org2MSP",), 1), (("Org3MSP",), 1)]])


def test_plain_tls_needs_client_certificate(tmp_path):
    d = str(tmp_path / "s")
    proc = start_sim(d, "--orgs", "2")
    n = Net(d)
    try:
        with pytest.raises(grpc.RpcError) as e:
            Client(n, n.user("Org1MSP")).send(disc.Query(channel="mychannel", config_query=disc.ConfigQuery()))
        assert e.value.details() == "client didn't send a TLS certificate"
    finally:
        n.close()
        stop_sim(proc)
