"""Generate (or reload) crypto material laid out like `cryptogen` output (docs/fabric-notes.md §2.3)."""
import os
from dataclasses import dataclass, field

from . import crypto

NODE_OUS = """NodeOUs:
  Enable: true
  ClientOUIdentifier:
    Certificate: cacerts/{ca}
    OrganizationalUnitIdentifier: client
  PeerOUIdentifier:
    Certificate: cacerts/{ca}
    OrganizationalUnitIdentifier: peer
  AdminOUIdentifier:
    Certificate: cacerts/{ca}
    OrganizationalUnitIdentifier: admin
  OrdererOUIdentifier:
    Certificate: cacerts/{ca}
    OrganizationalUnitIdentifier: orderer
"""


@dataclass
class Node:
    """A peer or orderer: signing identity + TLS server key pair."""
    name: str
    msp_dir: str
    tls_dir: str
    sign_cert_pem: bytes
    sign_key_pem: bytes
    tls_cert_pem: bytes
    tls_key_pem: bytes


@dataclass
class Org:
    mspid: str
    domain: str
    base: str            # absolute org directory
    ca_cert_pem: bytes
    tlsca_cert_pem: bytes
    nodes: list = field(default_factory=list)
    admin_msp: str = ""
    user_msp: str = ""
    admin_tls: str = ""
    user_tls: str = ""

    @property
    def is_orderer(self):
        return self.mspid == "OrdererMSP"


def _read(path):
    with open(path, "rb") as f:
        return f.read()


def _write_msp(msp_dir, org_dom, ca_pem, tlsca_pem, cert_name=None, cert_pem=None, key_pem=None):
    ca_file = f"ca.{org_dom}-cert.pem"
    crypto.write(os.path.join(msp_dir, "cacerts", ca_file), ca_pem)
    crypto.write(os.path.join(msp_dir, "tlscacerts", f"tlsca.{org_dom}-cert.pem"), tlsca_pem)
    crypto.write(os.path.join(msp_dir, "config.yaml"), NODE_OUS.format(ca=ca_file).encode())
    if cert_pem is not None:
        crypto.write(os.path.join(msp_dir, "signcerts", f"{cert_name}-cert.pem"), cert_pem)
        crypto.write(os.path.join(msp_dir, "keystore", "priv_sk"), key_pem)


def _gen_identity(base, dom, ca, tlsca, kind, name, ou, tls_sans):
    ca_key, ca_cert = ca
    tk, tc = tlsca
    key, cert = crypto.issue(ca_key, ca_cert, name, ou=ou,
                             sans=[name, name.split(".")[0]] if kind != "users" else None)
    d = os.path.join(base, kind, name)
    _write_msp(os.path.join(d, "msp"), dom, crypto.cert_pem(ca_cert), crypto.cert_pem(tc),
               name, crypto.cert_pem(cert), crypto.key_pem(key))
    tkey, tcert = crypto.issue(tk, tc, name, ou=ou, sans=tls_sans, tls=True)
    prefix = "client" if kind == "users" else "server"
    crypto.write(os.path.join(d, "tls", "ca.crt"), crypto.cert_pem(tc))
    crypto.write(os.path.join(d, "tls", f"{prefix}.crt"), crypto.cert_pem(tcert))
    crypto.write(os.path.join(d, "tls", f"{prefix}.key"), crypto.key_pem(tkey))


def _generate_org(base, dom, node_names, node_ou, users):
    ca = crypto.make_ca(f"ca.{dom}", dom)
    tlsca = crypto.make_ca(f"tlsca.{dom}", dom)
    for sub, (k, c) in (("ca", ca), ("tlsca", tlsca)):
        crypto.write(os.path.join(base, sub, f"{sub}.{dom}-cert.pem"), crypto.cert_pem(c))
        crypto.write(os.path.join(base, sub, "priv_sk"), crypto.key_pem(k))
    _write_msp(os.path.join(base, "msp"), dom, crypto.cert_pem(ca[1]), crypto.cert_pem(tlsca[1]))
    kind = "orderers" if node_ou == "orderer" else "peers"
    for n in node_names:
        _gen_identity(base, dom, ca, tlsca, kind, n, node_ou,
                      ["localhost", "127.0.0.1", n, n.split(".")[0]])
    for u, ou in users:
        _gen_identity(base, dom, ca, tlsca, "users", f"{u}@{dom}", ou, [f"{u}@{dom}"])


def _load_org(base, mspid, dom, node_names, kind):
    org = Org(mspid, dom, base, _read(os.path.join(base, "ca", f"ca.{dom}-cert.pem")),
              _read(os.path.join(base, "tlsca", f"tlsca.{dom}-cert.pem")))
    prefix = "server"
    for n in node_names:
        d = os.path.join(base, kind, n)
        org.nodes.append(Node(n, os.path.join(d, "msp"), os.path.join(d, "tls"),
                              _read(os.path.join(d, "msp", "signcerts", f"{n}-cert.pem")),
                              _read(os.path.join(d, "msp", "keystore", "priv_sk")),
                              _read(os.path.join(d, "tls", f"{prefix}.crt")),
                              _read(os.path.join(d, "tls", f"{prefix}.key"))))
    org.admin_msp = os.path.join(base, "users", f"Admin@{dom}", "msp")
    org.admin_tls = os.path.join(base, "users", f"Admin@{dom}", "tls")
    org.user_msp = os.path.join(base, "users", f"User1@{dom}", "msp")
    org.user_tls = os.path.join(base, "users", f"User1@{dom}", "tls")
    return org


def ensure(root: str, n_orgs: int, peers_per_org: int):
    """Create missing material under `root` and return (peer_orgs, orderer_org)."""
    root = os.path.abspath(root)
    orgs = []
    for i in range(1, n_orgs + 1):
        dom = f"org{i}.example.com"
        base = os.path.join(root, "peerOrganizations", dom)
        names = [f"peer{p}.{dom}" for p in range(peers_per_org)]
        if not os.path.exists(os.path.join(base, "tlsca")):
            _generate_org(base, dom, names, "peer", [("Admin", "admin"), ("User1", "client")])
        for n in names:
            if not os.path.exists(os.path.join(base, "peers", n)):
                ca = (crypto.load_key(_read(os.path.join(base, "ca", "priv_sk"))),
                      crypto.load_cert(_read(os.path.join(base, "ca", f"ca.{dom}-cert.pem"))))
                tlsca = (crypto.load_key(_read(os.path.join(base, "tlsca", "priv_sk"))),
                         crypto.load_cert(_read(os.path.join(base, "tlsca", f"tlsca.{dom}-cert.pem"))))
                _gen_identity(base, dom, ca, tlsca, "peers", n, "peer",
                              ["localhost", "127.0.0.1", n, n.split(".")[0]])
        orgs.append(_load_org(base, f"Org{i}MSP", dom, names, "peers"))
    obase = os.path.join(root, "ordererOrganizations", "example.com")
    if not os.path.exists(os.path.join(obase, "tlsca")):
        _generate_org(obase, "example.com", ["orderer.example.com"], "orderer",
                      [("Admin", "admin")])
    oorg = _load_org(obase, "OrdererMSP", "example.com", ["orderer.example.com"], "orderers")
    return orgs, oorg


def load_identity(msp_dir: str):
    """(cert_pem, private key) of an MSP folder's signcert + keystore."""
    sc = os.path.join(msp_dir, "signcerts")
    ks = os.path.join(msp_dir, "keystore")
    cert = _read(os.path.join(sc, sorted(os.listdir(sc))[0]))
    key = crypto.load_key(_read(os.path.join(ks, sorted(os.listdir(ks))[0])))
    return cert, key
