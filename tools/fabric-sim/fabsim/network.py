"""Assemble and serve a whole network: peers + orderer on 127.0.0.1, one gRPC server each."""
import logging
import os
import socket
from concurrent import futures

import grpc

from . import cryptogen, services
from .blocks import make_block
from .channelconfig import build_config, genesis_envelope
from .endorser import Endorser
from .faults import FaultInterceptor, Faults
from .gateway import Gateway
from .orderer import Orderer
from .pb import ab_grpc, events_grpc, gateway_grpc, peer_grpc
from fabric_protos.discovery import protocol_pb2_grpc as discovery_grpc
from .peer import Peer
from .tlsfront import TlsFront

log = logging.getLogger("fabsim.network")
MAX_MSG = 100 * 1024 * 1024


_reserved = {}


def free_port():
    """A free loopback port, kept bound (not listening) until `release_port` just before the
    node binds it. A port let go at once can be taken while the network is set up, above all by
    the kernel handing it out as the local port of another process's outgoing connection (both
    come from the ephemeral range; Linux skips ports bound like this one): parallel test runs
    saw "Failed to bind to address ... Address already in use" at start-up."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    _reserved[port] = s
    return port


def release_port(port):
    """Closes `free_port`'s reservation of `port`, if any (a restarted node has none)."""
    s = _reserved.pop(port, None)
    if s is not None:
        s.close()


class Network:
    def __init__(self, directory, n_orgs=2, peers_per_org=1, tls="tls", channels=("mychannel",),
                 base_port=0, peer_orgs=None):
        """`peer_orgs`: only the first N orgs run peers (default all); the others are channel
        members whose peers are not simulated (their crypto material exists all the same)."""
        self.dir = os.path.abspath(directory)
        self.tls = tls
        self.channels = list(channels)
        self.transient = {}
        # Peers advertise `<name>:<port>` instead of `127.0.0.1:<port>` (gossip.endpoint).
        self.advertise_names = False
        self.orgs, self.oorg = cryptogen.ensure(os.path.join(self.dir, "crypto"), n_orgs, peers_per_org)
        state = os.path.join(self.dir, "state")
        served = self.orgs[:peer_orgs] if peer_orgs else self.orgs
        self.peers = [Peer(org, node, state, self) for org in served for node in org.nodes]
        self.orderer = Orderer(self.oorg, self.oorg.nodes[0], state, self)
        nodes = [self.orderer] + self.peers
        for i, n in enumerate(nodes):
            n.port = base_port + i if base_port else free_port()
            n.faults = Faults()
            n.server = None
            n.front = None
        for p in self.peers:
            p.endorser = Endorser(p)
            p.gateway = Gateway(p, self)
        oaddr = f"127.0.0.1:{self.orderer.port}"
        anchors = {}
        for p in self.peers:
            anchors.setdefault(p.mspid, ("127.0.0.1", p.port))
        for ch in self.channels:
            gpath = os.path.join(self.dir, "state", f"{ch}.genesis.block")
            from .pb import common
            if os.path.exists(gpath):
                with open(gpath, "rb") as f:
                    gb = common.Block.FromString(f.read())
            else:
                cfg = build_config(self.orgs, self.oorg, oaddr, anchors)
                gb = make_block(0, b"", [genesis_envelope(ch, cfg)])
                os.makedirs(os.path.dirname(gpath), exist_ok=True)
                with open(gpath, "wb") as f:
                    f.write(gb.SerializeToString())
            self.orderer.create_channel(ch, gb)
            for p in self.peers:
                p.join(ch, gb)
        for p in self.peers:
            p.catch_up(self.orderer)

    # ------------------------------------------------------------ servers
    def _credentials(self, node):
        """grpcio's own TLS, for --mutual-tls only: --tls needs a TlsFront (grpcio cannot request a
        client certificate without verifying it), --plaintext none."""
        if self.tls != "mutual":
            return None
        roots = b"".join(o.tlsca_cert_pem for o in self.orgs + [self.oorg])
        return grpc.ssl_server_credentials([(node.node.tls_key_pem, node.node.tls_cert_pem)],
                                           root_certificates=roots if self.tls == "mutual" else None,
                                           require_client_auth=self.tls == "mutual")

    def _serve(self, node):
        server = grpc.server(futures.ThreadPoolExecutor(max_workers=64),
                             interceptors=[FaultInterceptor(node.faults)],
                             options=[("grpc.so_reuseport", 0),
                                      # Fabric keepalive policy: clients may ping every 60 s, even idle
                                      ("grpc.http2.min_ping_interval_without_data_ms", 60000),
                                      ("grpc.keepalive_permit_without_calls", 1),
                                      ("grpc.http2.max_ping_strikes", 2),
                                      ("grpc.keepalive_time_ms", 7200000),
                                      ("grpc.keepalive_timeout_ms", 20000),
                                      ("grpc.max_receive_message_length", MAX_MSG),
                                      ("grpc.max_send_message_length", MAX_MSG)])
        mutual = self.tls == "mutual"
        if node is self.orderer:
            ab_grpc.add_AtomicBroadcastServicer_to_server(services.AtomicBroadcastServicer(node, mutual), server)
        else:
            peer_grpc.add_EndorserServicer_to_server(services.EndorserServicer(node), server)
            events_grpc.add_DeliverServicer_to_server(services.PeerDeliverServicer(node, mutual), server)
            gateway_grpc.add_GatewayServicer_to_server(services.GatewayServicer(node.gateway), server)
            discovery_grpc.add_DiscoveryServicer_to_server(services.DiscoveryServicer(node, self), server)
        addr = f"127.0.0.1:{node.port}"
        if self.tls == "tls":
            addr = "127.0.0.1:0"   # internal; the node's port is the TLS front's
        else:
            release_port(node.port)
        creds = self._credentials(node)
        port = server.add_secure_port(addr, creds) if creds else server.add_insecure_port(addr)
        if port == 0:
            raise RuntimeError(f"could not bind {addr}")
        server.start()
        if self.tls == "tls":
            try:
                release_port(node.port)
                node.front = TlsFront(node.name, node.port, port, node.node.tls_cert_pem, node.node.tls_key_pem)
            except Exception:
                server.stop(0).wait()
                raise
        node.server = server
        node.running = True

    def _unserve(self, node):
        """As a stopped Fabric node: new connections refused, open ones (and their streams) dropped."""
        if node.front:
            node.front.stop_accepting()
        if node.server:
            node.server.stop(0).wait()
            node.server = None
        if node.front:
            node.front.stop()   # after the gRPC server: what it sent on the way out still reaches clients
            node.front = None

    def start(self):
        self.orderer.start()
        for n in [self.orderer] + self.peers:
            self._serve(n)

    def node(self, name):
        for n in [self.orderer] + self.peers:
            if n.name == name:
                return n
        raise KeyError(name)

    def stop_node(self, name):
        n = self.node(name)
        n.running = False
        self._unserve(n)

    def start_node(self, name):
        n = self.node(name)
        if n.server is None:
            if n is not self.orderer:
                n.catch_up(self.orderer)
            self._serve(n)
            if n is self.orderer:
                for p in self.peers:
                    if p.running:
                        p.catch_up(self.orderer)

    def shutdown(self):
        self.orderer.stop()
        for n in [self.orderer] + self.peers:
            self._unserve(n)

    # ------------------------------------------------------------ files
    def status(self):
        return {n.name: {"port": n.port, "running": n.running, "faults": n.faults.describe(),
                         "heights": {c: led.height for c, led in n.ledgers.items()}}
                for n in [self.orderer] + self.peers}
