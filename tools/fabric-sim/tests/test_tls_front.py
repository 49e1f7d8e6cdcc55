"""`--tls` as a Fabric node with `clientAuthRequired: false`: the TLS end requests a client
certificate without verifying it (internal/pkg/comm/server.go: tls.RequestClientCert), so discovery
(discovery/service.go validateStructure) can bind a self-signed certificate; `--mutual-tls` verifies."""
import concurrent.futures
import datetime
import hashlib
import json
import os
import socket
import ssl
import threading
import time
import urllib.request

import grpc
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from fabclient import Lifecycle, Net, Proposal, lc_prop, start_sim, stop_sim
from fabric_protos.discovery import protocol_pb2 as disc
from fabric_protos.discovery import protocol_pb2_grpc as disc_grpc
from fabsim import packages
from fabsim.pb import ab, events_grpc, gateway as gw, gateway_grpc, ledger, lifecycle, peer_grpc

BAD_HASH = "client claimed TLS hash doesn't match computed TLS hash from gRPC stream"
NO_CERT = "client didn't send a TLS certificate"


@pytest.fixture(scope="module")
def net(tmp_path_factory):
    d = str(tmp_path_factory.mktemp("simtls"))
    proc = start_sim(d, "--orgs", "2", "--tls")
    n = Net(d)
    assert n.tls == "tls"
    yield n
    n.close()
    stop_sim(proc)


def self_signed(expired=False):
    """(cert PEM, key PEM, SHA-256 of the cert's DER): what a client generates when it has no
    configured TLS client certificate (fabric-sdk-java certgen, fabric-common setTlsClientCertAndKey)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "test-client")])
    now = datetime.datetime.now(datetime.timezone.utc)
    start, end = (now - datetime.timedelta(days=10), now - datetime.timedelta(days=1)) if expired \
        else (now - datetime.timedelta(minutes=5), now + datetime.timedelta(days=1))
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(start).not_valid_after(end)
            .sign(key, hashes.SHA256()))
    key_pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
    return (cert.public_bytes(serialization.Encoding.PEM), key_pem,
            hashlib.sha256(cert.public_bytes(serialization.Encoding.DER)).digest())


def channel(net, node, client=None):
    """A fresh channel (its own connection) to `node`, presenting `client` = (cert PEM, key PEM)."""
    kw = {"certificate_chain": client[0], "private_key": client[1]} if client else {}
    creds = grpc.ssl_channel_credentials(open(node["tlsRootCert"], "rb").read(), **kw)
    return grpc.secure_channel(f"127.0.0.1:{node['port']}", creds,
                               options=[("grpc.ssl_target_name_override", node["name"]),
                                        ("grpc.max_receive_message_length", 100 * 1024 * 1024)])


def discover(net, ch, claimed_hash):
    ident = net.user("Org1MSP")
    req = disc.Request(queries=[disc.Query(channel="mychannel", config_query=disc.ConfigQuery())])
    req.authentication.client_identity = ident.creator
    req.authentication.client_tls_cert_hash = claimed_hash
    payload = req.SerializeToString()
    signed = disc.SignedRequest(payload=payload, signature=ident.sign(payload))
    return disc_grpc.DiscoveryStub(ch).Discover(signed, timeout=10)


def ctl(net, path):
    req = urllib.request.Request(net.ready["controlUrl"] + path, data=b"{}", method="POST")
    return json.loads(urllib.request.urlopen(req, timeout=20).read())


def chain_height(ch, ident):
    p = Proposal(ident, "", "qscc", ["GetChainInfo", "mychannel"])
    r = peer_grpc.EndorserStub(ch).ProcessProposal(p.signed, timeout=10)
    assert r.response.status == 200, r.response.message
    return ledger.BlockchainInfo.FromString(r.response.payload).height


def test_discovery_binds_a_self_signed_client_certificate(net):
    node = net.peer_info("Org1MSP")
    for expired in (False, True):          # Go's RequestClientCert verifies nothing: expired is fine too
        cert, key, digest = self_signed(expired)
        with channel(net, node, (cert, key)) as ch:
            r = discover(net, ch, digest)
            assert r.results[0].WhichOneof("result") == "config_result", r
            assert set(r.results[0].config_result.msps) >= {"Org1MSP", "Org2MSP"}
            with pytest.raises(grpc.RpcError) as e:   # the same connection, another certificate's hash
                discover(net, ch, self_signed()[2])
            assert e.value.details() == BAD_HASH


def test_discovery_without_a_client_certificate(net):
    with channel(net, net.peer_info("Org1MSP")) as ch:
        with pytest.raises(grpc.RpcError) as e:
            discover(net, ch, self_signed()[2])
        assert e.value.details() == NO_CERT
        with pytest.raises(grpc.RpcError) as e:
            discover(net, ch, b"")
        assert e.value.details() == NO_CERT


def test_endorse_evaluate_and_large_messages_without_a_client_certificate(net):
    admin = net.admin("Org1MSP")
    with channel(net, net.peer_info("Org1MSP")) as ch:
        assert chain_height(ch, admin) >= 1
        q = Proposal(net.user("Org1MSP"), "mychannel", "qscc", ["GetChainInfo", "mychannel"])
        r = gateway_grpc.GatewayStub(ch).Evaluate(
            gw.EvaluateRequest(transaction_id=q.tx_id, channel_id="mychannel", proposed_transaction=q.signed),
            timeout=10)
        assert ledger.BlockchainInfo.FromString(r.result.payload).height >= 1
        # 12 MB each way through the front (more than its per-direction buffer)
        blob = os.urandom(12 * 1024 * 1024)
        pkg = packages.build("big_1", "ccaas", [("connection.json", b'{"address":"127.0.0.1:9999"}'),
                                                ("blob.bin", blob)])
        assert len(pkg) > 12 * 1024 * 1024
        r = peer_grpc.EndorserStub(ch).ProcessProposal(lc_prop(
            admin, "", "InstallChaincode", lifecycle.InstallChaincodeArgs(chaincode_install_package=pkg)).signed,
            timeout=60)
        assert r.response.status == 200, r.response.message
        pid = lifecycle.InstallChaincodeResult.FromString(r.response.payload).package_id
        r = peer_grpc.EndorserStub(ch).ProcessProposal(lc_prop(
            admin, "", "GetInstalledChaincodePackage",
            lifecycle.GetInstalledChaincodePackageArgs(package_id=pid)).signed, timeout=60)
        assert r.response.status == 200, r.response.message
        got = lifecycle.GetInstalledChaincodePackageResult.FromString(r.response.payload)
        assert got.chaincode_install_package == pkg


def test_many_concurrent_connections(net):
    node = net.peer_info("Org2MSP")
    admin = net.admin("Org2MSP")
    chans = [channel(net, node, self_signed()[:2] if i % 2 else None) for i in range(40)]
    try:
        with concurrent.futures.ThreadPoolExecutor(20) as ex:
            heights = list(ex.map(lambda c: [chain_height(c, admin) for _ in range(3)], chans))
        assert all(h[0] >= 1 for h in heights)
    finally:
        for c in chans:
            c.close()


def test_handshake_failures_and_idle_clients_do_not_hurt_the_front(net):
    node = net.peer_info("Org1MSP")
    idle = socket.create_connection(("127.0.0.1", node["port"]))   # never says anything
    opened = time.monotonic()
    try:
        with socket.create_connection(("127.0.0.1", node["port"])) as junk:
            junk.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n" * 4)
            junk.settimeout(5)
            try:
                while junk.recv(4096):     # an alert at most, then the front closes it
                    pass
            except ConnectionResetError:
                pass
        # a TLS client without ALPN h2 that gives up in the middle of a handshake
        raw = socket.create_connection(("127.0.0.1", node["port"]))
        ctx = ssl.create_default_context(cafile=node["tlsRootCert"])
        ctx.check_hostname = False
        tls = ctx.wrap_socket(raw, server_hostname=node["name"], do_handshake_on_connect=False)
        tls.setblocking(False)
        try:
            tls.do_handshake()
        except ssl.SSLWantReadError:
            pass
        tls.close()
        with channel(net, node) as ch:                # the front still serves
            assert chain_height(ch, net.admin("Org1MSP")) >= 1
        idle.settimeout(20)
        assert idle.recv(1) == b""                    # dropped: no handshake within 10 s
        assert time.monotonic() - opened >= 9
    finally:
        idle.close()


def test_deliver_through_the_front_ends_when_the_node_stops(net):
    node = net.peer_info("Org2MSP")
    user = net.user("Org2MSP")
    ch = channel(net, node, self_signed()[:2])
    env = net.seek_envelope(user, "mychannel", ab.SeekPosition(oldest=ab.SeekOldest()),
                            ab.SeekPosition(specified=ab.SeekSpecified(number=2 ** 64 - 1)))
    stream = events_grpc.DeliverStub(ch).Deliver(iter([env]), timeout=60)
    got = []
    ended = threading.Event()
    outcome = []

    def read():
        try:
            for r in stream:
                if r.WhichOneof("Type") == "status":
                    outcome.append(("status", r.status))
                    break
                got.append(r.block.header.number)
            else:
                outcome.append(("end", None))
        except grpc.RpcError as e:
            outcome.append(("error", e.code()))
        ended.set()

    t = threading.Thread(target=read, daemon=True)
    t.start()
    h = chain_height(ch, net.admin("Org2MSP"))
    deadline = time.monotonic() + 10
    while len(got) < h and time.monotonic() < deadline:
        time.sleep(0.05)
    assert got == list(range(h))
    assert Lifecycle(net).approve("Org1MSP", "tlsfront", 1)[0] == 0    # a new block reaches the stream
    deadline = time.monotonic() + 10
    while len(got) < h + 1 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert got == list(range(h + 1))
    assert not ended.is_set()
    try:
        assert ctl(net, f"/nodes/{node['name']}/stop")["running"] is False
        assert ended.wait(10), "the stream outlived its node"
        # as under --plaintext: the gRPC server's own cancellation reaches the client through the front
        assert outcome == [("error", grpc.StatusCode.UNAVAILABLE)], outcome
        with channel(net, node) as c2:                # new connections are refused
            with pytest.raises(grpc.RpcError) as e:
                chain_height(c2, net.admin("Org2MSP"))
            assert e.value.code() == grpc.StatusCode.UNAVAILABLE
        with pytest.raises(ConnectionRefusedError):
            socket.create_connection(("127.0.0.1", node["port"]), timeout=5).close()
    finally:
        ctl(net, f"/nodes/{node['name']}/start")
        ch.close()
    with channel(net, node) as c3:
        assert chain_height(c3, net.admin("Org2MSP")) == h + 1


def test_mutual_tls_rejects_an_unknown_client_certificate(tmp_path):
    d = str(tmp_path / "m")
    proc = start_sim(d, "--orgs", "2", "--mutual-tls")
    n = Net(d)
    try:
        node = n.peer_info("Org1MSP")
        cert, key, digest = self_signed()
        with channel(n, node, (cert, key)) as ch:
            with pytest.raises(grpc.RpcError) as e:
                discover(n, ch, digest)
            assert e.value.code() == grpc.StatusCode.UNAVAILABLE   # the handshake failed
        # the org's own TLS client certificate passes
        d1 = n.orgs["Org1MSP"]["userTlsDir"]
        own = (open(os.path.join(d1, "client.crt"), "rb").read(), open(os.path.join(d1, "client.key"), "rb").read())
        own_hash = hashlib.sha256(x509.load_pem_x509_certificate(own[0]).public_bytes(
            serialization.Encoding.DER)).digest()
        with channel(n, node, own) as ch:
            assert discover(n, ch, own_hash).results[0].WhichOneof("result") == "config_result"
    finally:
        n.close()
        stop_sim(proc)
