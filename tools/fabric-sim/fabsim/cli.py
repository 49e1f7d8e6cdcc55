"""Command line: up / down / fault."""
import argparse
import json
import logging
import os
import signal
import sys
import threading
import time
import urllib.request

from . import control, history, netconfig
from .network import Network


def _up(a):
    os.makedirs(a.dir, exist_ok=True)
    pidfile = os.path.join(os.path.abspath(a.dir), "sim.pid")
    try:
        other = int(open(pidfile).read().strip())
        if other != os.getpid() and _alive(other):
            print(f"a simulator (pid {other}) is already running on {a.dir}", file=sys.stderr)
            return 1
    except (OSError, ValueError):
        pass
    tls = "plaintext" if a.plaintext else "mutual" if a.mutual_tls else "tls"
    net = Network(a.dir, a.orgs, a.peers_per_org, tls, a.channels.split(","), a.base_port, a.peer_orgs)
    net.advertise_names = a.advertise_names
    stop = threading.Event()
    for s in (signal.SIGTERM, signal.SIGINT):
        signal.signal(s, lambda *_: stop.set())
    net.start()
    httpd = control.serve(net, a.control_port)
    with open(pidfile, "w") as f:
        f.write(str(os.getpid()))
    netconfig.write_gateway_yaml(net)
    per_org = netconfig.write_per_org_configs(net) if a.per_org_configs else None
    ready = netconfig.write_ready(net, httpd.server_address[1], per_org)
    print(f"fabric-sim ready: {ready}", flush=True)
    stop.wait()
    try:
        os.remove(ready)
    except OSError:
        pass
    httpd.shutdown()
    net.shutdown()
    try:
        os.remove(pidfile)      # last: `down` waits for it
    except OSError:
        pass
    return 0


def _alive(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def _down(a):
    pidfile = os.path.join(os.path.abspath(a.dir), "sim.pid")
    try:
        pid = int(open(pidfile).read().strip())
    except (OSError, ValueError):
        print("no running simulator (no sim.pid)", file=sys.stderr)
        return 1
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        os.remove(pidfile)
        return 0
    for _ in range(200):
        if not os.path.exists(pidfile) or not _alive(pid):
            return 0
        time.sleep(0.05)
    print(f"simulator pid {pid} did not stop", file=sys.stderr)
    return 1


def _fault(a):
    ready = json.load(open(os.path.join(os.path.abspath(a.dir), "ready.json")))
    url = f"{ready['controlUrl']}/nodes/{a.node}/{a.action}"
    spec = json.loads(a.spec) if a.spec else {}
    req = urllib.request.Request(url, data=json.dumps(spec).encode(), method="POST")
    print(urllib.request.urlopen(req).read().decode())
    return 0


def main(argv=None):
    ap = argparse.ArgumentParser(prog="fabric_sim.py", description="Simulated Hyperledger Fabric v2.5 network")
    sub = ap.add_subparsers(dest="cmd", required=True)
    up = sub.add_parser("up", help="generate material (once) and serve the network in the foreground")
    up.add_argument("--orgs", type=int, default=2)
    up.add_argument("--dir", required=True)
    up.add_argument("--base-port", type=int, default=0, help="0 = pick free ports")
    up.add_argument("--control-port", type=int, default=0)
    g = up.add_mutually_exclusive_group()
    g.add_argument("--tls", action="store_true", help="server TLS (default)")
    g.add_argument("--plaintext", action="store_true")
    g.add_argument("--mutual-tls", action="store_true")
    up.add_argument("--channels", default="mychannel", help="comma separated")
    up.add_argument("--peers-per-org", type=int, default=1)
    up.add_argument("--advertise-names", action="store_true",
                    help="peers advertise <peer name>:<port> to discovery (as in Docker), not 127.0.0.1:<port>")
    up.add_argument("--peer-orgs", type=int, default=None,
                    help="only the first N orgs run peers (default: all)")
    up.add_argument("--per-org-configs", action="store_true",
                    help="also write gateway-<MSP ID>.yaml per organization (its own identities and peers only)")
    up.add_argument("-v", "--verbose", action="store_true")
    gh = sub.add_parser("generate-history", help="write a ledger of signed, endorsed approval blocks (offline)")
    gh.add_argument("--dir", required=True)
    gh.add_argument("--orgs", type=int, default=2)
    gh.add_argument("--definitions", type=int, default=10, help="chaincode definitions each org approves")
    gh.add_argument("--peers-per-org", type=int, default=1)
    gh.add_argument("--peer-orgs", type=int, default=None,
                    help="only the first N orgs run peers (default: all); use the same value with up")
    gh.add_argument("--txs-per-block", type=int, default=1)
    gh.add_argument("--channel", default="mychannel")
    dn = sub.add_parser("down", help="stop a running simulator")
    dn.add_argument("--dir", required=True)
    ft = sub.add_parser("fault", help="control a node: stop|start|faults")
    ft.add_argument("--dir", required=True)
    ft.add_argument("node")
    ft.add_argument("action", choices=["stop", "start", "faults"])
    ft.add_argument("spec", nargs="?", help='JSON, e.g. {"failNext":2,"failCode":"UNAVAILABLE"}')
    a = ap.parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if getattr(a, "verbose", False) else logging.WARNING,
                        format="%(asctime)s %(name)s %(levelname)s %(message)s")
    return {"up": _up, "down": _down, "fault": _fault, "generate-history": history.main}[a.cmd](a)
