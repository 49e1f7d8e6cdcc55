"""Control endpoint faults, node stop/start, persistence across restarts, TLS modes, `down`."""
import json
import os
import subprocess
import sys
import urllib.request

import grpc
import pytest
import yaml

from conftest import deploy, install, invoke, make_pkg, query
from fabclient import Lifecycle, Net, lc_prop, start_sim, stop_sim
from fabsim.pb import ab, common, lifecycle

SIM = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "fabric_sim.py")


def ctl(net, path, body=None):
    req = urllib.request.Request(net.ready["controlUrl"] + path, data=json.dumps(body or {}).encode(),
                                 method="POST" if body is not None or path != "/status" else "GET")
    return json.loads(urllib.request.urlopen(req, timeout=10).read())


@pytest.fixture
def sim(tmp_path):
    proc = start_sim(str(tmp_path), "--orgs", "2")
    n = Net(str(tmp_path))
    yield n
    n.close()
    stop_sim(proc)


def test_fail_next_latency_and_drop(sim):
    q = lambda: lc_prop(sim.admin("Org1MSP"), "", "QueryInstalledChaincodes",  # noqa: E731
                        lifecycle.QueryInstalledChaincodesArgs())
    ctl(sim, "/nodes/peer0.org1.example.com/faults", {"failNext": 2, "failCode": "UNAVAILABLE"})
    for _ in range(2):
        with pytest.raises(grpc.RpcError) as ei:
            sim.propose("Org1MSP", q())
        assert ei.value.code() == grpc.StatusCode.UNAVAILABLE
    assert sim.propose("Org1MSP", q()).response.status == 200
    ctl(sim, "/nodes/peer0.org1.example.com/faults", {"latencyMs": 300})
    with pytest.raises(grpc.RpcError) as ei:
        sim.endorser("Org1MSP").ProcessProposal(q().signed, timeout=0.1)
    assert ei.value.code() == grpc.StatusCode.DEADLINE_EXCEEDED
    ctl(sim, "/faults/clear", {})
    ctl(sim, "/nodes/peer0.org1.example.com/faults", {"dropAfter": 1})
    env = sim.seek_envelope(sim.user("Org1MSP"), "mychannel", ab.SeekPosition(oldest=ab.SeekOldest()),
                            ab.SeekPosition(specified=ab.SeekSpecified(number=0)))
    call = sim.deliver("Org1MSP").Deliver(iter([env]), timeout=5)
    assert next(call).block.header.number == 0
    with pytest.raises(grpc.RpcError) as ei:
        next(call)
    assert ei.value.code() == grpc.StatusCode.UNAVAILABLE


def test_skip_blocks_leaves_a_gap_in_deliver_only(sim):
    assert Lifecycle(sim).approve("Org1MSP", "gap", 1)[0] == 0  # block 1 exists
    ctl(sim, "/nodes/peer0.org1.example.com/faults", {"skipBlocks": 1})

    def numbers(method):
        env = sim.seek_envelope(sim.user("Org1MSP"), "mychannel", ab.SeekPosition(oldest=ab.SeekOldest()),
                                ab.SeekPosition(specified=ab.SeekSpecified(number=1)))
        out = []
        for r in getattr(sim.deliver("Org1MSP"), method)(iter([env]), timeout=5):
            if r.WhichOneof("Type") == "status":
                return out, r.status
            out.append(r.block.header.number if method == "Deliver" else r.filtered_block.number)
        return out, None

    assert numbers("DeliverFiltered") == ([0, 1], common.SUCCESS)  # not affected
    assert numbers("Deliver") == ([1], common.SUCCESS)             # block 0 left out: a gap
    assert ctl(sim, "/status", None)["peer0.org1.example.com"]["faults"]["skipBlocks"] == 0
    assert numbers("Deliver") == ([0, 1], common.SUCCESS)          # once only


def test_stopped_peer_catches_up(sim, tmp_path):
    lc = Lifecycle(sim)
    ctl(sim, "/nodes/peer0.org2.example.com/stop", {})
    with pytest.raises(grpc.RpcError) as ei:
        sim.endorser("Org2MSP").ProcessProposal(
            lc_prop(sim.admin("Org2MSP"), "", "QueryInstalledChaincodes",
                    lifecycle.QueryInstalledChaincodesArgs()).signed, timeout=2)
    assert ei.value.code() == grpc.StatusCode.UNAVAILABLE
    assert lc.approve("Org1MSP", "late", 1)[0] == 0
    h1 = sim.height("Org1MSP")
    st = ctl(sim, "/nodes/peer0.org2.example.com/start", {})
    assert st["running"] and st["heights"]["mychannel"] == h1
    # CLI front-end to the control endpoint
    out = subprocess.run([sys.executable, SIM, "fault", "--dir", sim.dir, "orderer.example.com", "faults",
                          '{"failNext": 1, "failCode": "UNAVAILABLE"}'], capture_output=True, text=True, check=True)
    assert json.loads(out.stdout)["faults"]["failNext"] == 1


def test_restart_keeps_state_and_down(tmp_path):
    d = str(tmp_path)
    proc = start_sim(d, "--orgs", "2", "--plaintext")
    n = Net(d)
    lc = Lifecycle(n)
    deploy(lc, "keep", ["Org1MSP", "Org2MSP"])
    assert invoke(n, "keep", ["InitLedger"])[0] == 0
    pid = install(lc, "Org1MSP", make_pkg("basic_1"))
    h = n.height("Org1MSP")
    cert_before = open(os.path.join(n.orgs["Org1MSP"]["adminMspDir"], "signcerts",
                                    "Admin@org1.example.com-cert.pem")).read()
    n.close()
    assert subprocess.run([sys.executable, SIM, "down", "--dir", d]).returncode == 0
    assert proc.wait(10) == 0
    assert not os.path.exists(os.path.join(d, "ready.json"))
    proc = start_sim(d, "--orgs", "2", "--plaintext")
    try:
        n = Net(d)
        assert open(os.path.join(n.orgs["Org1MSP"]["adminMspDir"], "signcerts",
                                 "Admin@org1.example.com-cert.pem")).read() == cert_before
        assert n.height("Org1MSP") == h
        assert b"Tomoko" in query(n, "keep", ["ReadAsset", "asset1"], "Org2MSP").response.payload
        r = n.propose("Org1MSP", lc_prop(n.admin("Org1MSP"), "", "QueryInstalledChaincode",
                                         lifecycle.QueryInstalledChaincodeArgs(package_id=pid)))
        res = lifecycle.QueryInstalledChaincodeResult.FromString(r.response.payload)
        assert [c.name for c in res.references["mychannel"].chaincodes] == ["keep"]
        res, _ = Lifecycle(n).query("Org2MSP", "QueryApprovedChaincodeDefinition",
                                    lifecycle.QueryApprovedChaincodeDefinitionArgs(name="keep"),
                                    lifecycle.QueryApprovedChaincodeDefinitionResult)
        assert res.sequence == 1
        cfg = yaml.safe_load(open(os.path.join(d, "gateway.yaml")))
        assert cfg["network"]["organizations"][0]["peers"][0]["tls"] == {"enabled": False}
        n.close()
    finally:
        stop_sim(proc)


def test_mutual_tls(tmp_path):
    d = str(tmp_path)
    proc = start_sim(d, "--orgs", "2", "--mutual-tls")
    try:
        n = Net(d)
        cfg = yaml.safe_load(open(os.path.join(d, "gateway.yaml")))
        tls = cfg["network"]["organizations"][0]["peers"][0]["tls"]
        assert os.path.isabs(tls["clientCertFile"]) and os.path.exists(tls["clientKeyFile"])
        q = lc_prop(n.admin("Org1MSP"), "", "QueryInstalledChaincodes", lifecycle.QueryInstalledChaincodesArgs())
        assert n.propose("Org1MSP", q).response.status == 200
        # without a client certificate the handshake fails
        info = n.peer_info("Org1MSP")
        ch = grpc.secure_channel(f"127.0.0.1:{info['port']}",
                                 grpc.ssl_channel_credentials(open(info["tlsRootCert"], "rb").read()),
                                 options=[("grpc.ssl_target_name_override", info["name"])])
        from fabsim.pb import peer_grpc
        with pytest.raises(grpc.RpcError) as ei:
            peer_grpc.EndorserStub(ch).ProcessProposal(q.signed, timeout=3)
        assert ei.value.code() == grpc.StatusCode.UNAVAILABLE
        ch.close()
        # Deliver requires the TLS binding hash
        u = n.user("Org1MSP")
        o = ab.SeekPosition(oldest=ab.SeekOldest())
        rs = list(n.deliver("Org1MSP").Deliver(iter([n.seek_envelope(u, "mychannel", o, o)]), timeout=5))
        assert rs[0].status == common.BAD_REQUEST
        from cryptography import x509
        from cryptography.hazmat.primitives import serialization
        import hashlib
        pem = open(os.path.join(n.orgs["Org1MSP"]["adminTlsDir"], "client.crt"), "rb").read()
        h = hashlib.sha256(x509.load_pem_x509_certificate(pem).public_bytes(serialization.Encoding.DER)).digest()
        rs = list(n.deliver("Org1MSP").Deliver(iter([n.seek_envelope(u, "mychannel", o, o, tls_cert_hash=h)]),
                                               timeout=5))
        assert rs[0].block.header.number == 0 and rs[1].status == common.SUCCESS
        n.close()
    finally:
        stop_sim(proc)


def test_gateway_yaml_and_ready_json(net2):
    cfg = yaml.safe_load(open(os.path.join(net2.dir, "gateway.yaml")))["network"]
    assert [o["mspId"] for o in cfg["organizations"]] == ["Org1MSP", "Org2MSP"]
    o1 = cfg["organizations"][0]
    assert o1["adminIdentity"]["mspDir"].endswith("users/Admin@org1.example.com/msp")
    assert o1["clientIdentity"]["mspDir"].endswith("users/User1@org1.example.com/msp")
    for p in (o1["adminIdentity"]["mspDir"], o1["peers"][0]["tls"]["rootCertFile"]):
        assert os.path.isabs(p) and os.path.exists(p)
    msp = o1["adminIdentity"]["mspDir"]
    assert sorted(os.listdir(msp)) == ["cacerts", "config.yaml", "keystore", "signcerts", "tlscacerts"]
    assert cfg["orderers"][0]["mspId"] == "OrdererMSP"
    assert cfg["channels"] == [{"name": "mychannel"}]
    r = net2.ready
    assert r["peers"][0]["port"] == int(o1["peers"][0]["address"].split(":")[1])
    st = json.loads(urllib.request.urlopen(r["controlUrl"] + "/status", timeout=5).read())
    assert st["peer0.org1.example.com"]["running"] is True
    from cryptography import x509
    tls = x509.load_pem_x509_certificate(open(os.path.join(
        os.path.dirname(o1["peers"][0]["tls"]["rootCertFile"]), "server.crt"), "rb").read())
    sans = tls.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert "peer0.org1.example.com" in sans.get_values_for_type(x509.DNSName)
    assert "localhost" in sans.get_values_for_type(x509.DNSName)


def test_gateway_yaml_is_usable_by_a_client(net2):
    """Connect and sign using only what gateway.yaml says (the gateway's contract)."""
    from fabclient import Identity
    from fabsim.pb import ab_grpc, peer_grpc
    cfg = yaml.safe_load(open(os.path.join(net2.dir, "gateway.yaml")))["network"]
    for org in cfg["organizations"]:
        admin = Identity(org["mspId"], org["adminIdentity"]["mspDir"])
        for p in org["peers"]:
            t = p["tls"]
            ch = grpc.secure_channel(p["address"], grpc.ssl_channel_credentials(open(t["rootCertFile"], "rb").read()),
                                     options=[("grpc.ssl_target_name_override", t["serverNameOverride"])])
            prop = lc_prop(admin, "", "QueryInstalledChaincodes", lifecycle.QueryInstalledChaincodesArgs())
            assert peer_grpc.EndorserStub(ch).ProcessProposal(prop.signed, timeout=10).response.status == 200
            ch.close()
    o = cfg["orderers"][0]
    ch = grpc.secure_channel(o["address"], grpc.ssl_channel_credentials(open(o["tls"]["rootCertFile"], "rb").read()),
                             options=[("grpc.ssl_target_name_override", o["tls"]["serverNameOverride"])])
    r = list(ab_grpc.AtomicBroadcastStub(ch).Broadcast(iter([common.Envelope()]), timeout=10))
    assert r[0].status == common.BAD_REQUEST
    ch.close()
