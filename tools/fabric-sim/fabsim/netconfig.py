"""Writers for <dir>/gateway.yaml (see briefs/network-config.md) and <dir>/ready.json."""
import json
import os

import yaml


def _tls(net, tls_dir, host, client_tls=None):
    if net.tls == "plaintext":
        return {"enabled": False}
    t = {"enabled": True, "rootCertFile": os.path.join(tls_dir, "ca.crt"), "serverNameOverride": host}
    if net.tls == "mutual" and client_tls:
        t["clientCertFile"] = os.path.join(client_tls, "client.crt")
        t["clientKeyFile"] = os.path.join(client_tls, "client.key")
    return t


def gateway_config(net):
    orgs = []
    for org in net.orgs:
        peers = [{"name": p.name, "address": f"127.0.0.1:{p.port}",
                  "tls": _tls(net, p.node.tls_dir, p.name, org.admin_tls)}
                 for p in net.peers if p.mspid == org.mspid]
        orgs.append({"mspId": org.mspid, "name": org.domain,
                     "adminIdentity": {"mspDir": org.admin_msp},
                     "clientIdentity": {"mspDir": org.user_msp},
                     "peers": peers})
    o = net.orderer
    return {"network": {
        "organizations": orgs,
        "orderers": [{"name": o.name, "mspId": o.mspid, "address": f"127.0.0.1:{o.port}",
                      "tls": _tls(net, o.node.tls_dir, o.name, net.orgs[0].admin_tls)}],
        "channels": [{"name": c} for c in net.channels]}}


def org_gateway_config(net, mspid):
    """One organization's gateway (one gateway per organization): only its own identities and
    peers; no orderer, as other organizations' peers and the orderer come from service
    discovery (needs --mutual-tls: discovery binds requests to the client's TLS certificate)."""
    config = gateway_config(net)
    config["network"]["organizations"] = [o for o in config["network"]["organizations"] if o["mspId"] == mspid]
    config["network"]["orderers"] = []
    if net.advertise_names:
        # What a user of a Docker network writes: the names peers advertise, dialled on this host.
        config["network"]["addressRewrites"] = {p.name: "127.0.0.1" for p in net.peers}
    return config


def per_org_config_path(net, mspid):
    return os.path.join(net.dir, f"gateway-{mspid}.yaml")


def _dump(config, path):
    with open(path + ".tmp", "w") as f:
        yaml.safe_dump(config, f, sort_keys=False)
    os.replace(path + ".tmp", path)
    return path


def write_gateway_yaml(net):
    return _dump(gateway_config(net), os.path.join(net.dir, "gateway.yaml"))


def write_per_org_configs(net):
    """<dir>/gateway-<MSP ID>.yaml for each organization; returns MSP ID -> path."""
    return {o.mspid: _dump(org_gateway_config(net, o.mspid), per_org_config_path(net, o.mspid)) for o in net.orgs}


def write_ready(net, control_port, per_org_configs=None):
    info = {
        "pid": os.getpid(),
        "tls": net.tls,
        "controlPort": control_port,
        "controlUrl": f"http://127.0.0.1:{control_port}",
        "gatewayConfig": os.path.join(net.dir, "gateway.yaml"),
        "cryptoDir": os.path.join(net.dir, "crypto"),
        "channels": net.channels,
        "orderer": {"name": net.orderer.name, "mspId": net.orderer.mspid, "port": net.orderer.port,
                    "pid": os.getpid(), "tlsRootCert": os.path.join(net.orderer.node.tls_dir, "ca.crt")},
        "peers": [{"name": p.name, "mspId": p.mspid, "port": p.port, "pid": os.getpid(),
                   "tlsRootCert": os.path.join(p.node.tls_dir, "ca.crt")} for p in net.peers],
        "organizations": [{"mspId": o.mspid, "domain": o.domain, "adminMspDir": o.admin_msp,
                           "userMspDir": o.user_msp, "adminTlsDir": o.admin_tls, "userTlsDir": o.user_tls}
                          for o in net.orgs],
    }
    if per_org_configs:
        info["perOrgConfigs"] = per_org_configs
    path = os.path.join(net.dir, "ready.json")
    with open(path + ".tmp", "w") as f:
        json.dump(info, f, indent=2)
    os.replace(path + ".tmp", path)
    return path
