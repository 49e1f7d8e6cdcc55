"""Benchmark of fabric-sim's TLS end: two simulator trees side by side (e.g. `main`'s, before the
TLS front, and this one), same mode, measured interleaved in the same run.

  python3 tools/fabric-sim/bench_tls_front.py --base /path/to/other/tools/fabric-sim \
      [--mode tls] [--seconds 5] [--rounds 3] [--clients 1,32]

Each simulator (2 orgs) is started in a temp dir; the client (grpcio, no client certificate, as a
client with none configured) sends signed qscc proposals to peer0.org1 over one connection with
N calls in flight: `GetChainInfo` (small) and `GetBlockByNumber 0` (the genesis block, a few KB);
then opens new connections one after another, one call each (handshake cost). Prints per round
and tree: calls/s, mean latency, and the simulator process's CPU per call (utime+stime from
/proc/PID/stat); then the medians.
"""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time

import grpc

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "tests"))
from fabclient import Net, Proposal, start_sim  # noqa: E402
from fabsim.pb import peer_grpc  # noqa: E402

HZ = os.sysconf("SC_CLK_TCK")


def cpu_ticks(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


class Sim:
    def __init__(self, tree, mode, tmp):
        self.tree = tree
        d = os.path.join(tmp, os.path.basename(os.path.dirname(tree.rstrip("/"))) + "-" + str(id(self)))
        script = os.path.join(tree, "fabric_sim.py")
        os.makedirs(d)
        log = open(os.path.join(d, "sim.log"), "ab")
        self.proc = subprocess.Popen([sys.executable, script, "up", "--dir", d, "--orgs", "2", f"--{mode}"],
                                     stdout=subprocess.PIPE, stderr=log)
        line = self.proc.stdout.readline().decode()
        if not line.startswith("fabric-sim ready"):
            raise RuntimeError(f"{tree}: simulator failed to start, see {d}/sim.log")
        self.net = Net(d)
        self.node = self.net.peer_info("Org1MSP")
        self.admin = self.net.admin("Org1MSP")

    def channel(self):
        opts = [("grpc.ssl_target_name_override", self.node["name"]),
                ("grpc.max_receive_message_length", 100 * 1024 * 1024)]
        addr = f"127.0.0.1:{self.node['port']}"
        if self.net.tls == "plaintext":
            return grpc.insecure_channel(addr, options=opts)
        root = open(self.node["tlsRootCert"], "rb").read()
        return grpc.secure_channel(addr, grpc.ssl_channel_credentials(root), options=opts)

    def close(self):
        self.net.close()
        self.proc.terminate()
        self.proc.wait(20)


def load(sim, args, inflight, seconds):
    """N calls in flight on one connection for `seconds`: (calls, mean latency ms, CPU us/call)."""
    ch = sim.channel()
    stub = peer_grpc.EndorserStub(ch)
    props = [Proposal(sim.admin, "", "qscc", args).signed for _ in range(64)]
    stub.ProcessProposal(props[0], timeout=10)   # connect, warm
    lock = threading.Lock()
    done = threading.Event()
    state = {"n": 0, "lat": 0.0, "open": 0, "errors": 0}
    end = time.monotonic() + seconds

    def issue(i):
        t0 = time.monotonic()
        fut = stub.ProcessProposal.future(props[i % len(props)], timeout=30)

        def cb(f, t0=t0, i=i):
            ok = f.exception() is None and f.result().response.status == 200
            now = time.monotonic()
            with lock:
                state["n"] += 1
                state["lat"] += now - t0
                state["errors"] += 0 if ok else 1
                again = now < end
                if not again:
                    state["open"] -= 1
                    if state["open"] == 0:
                        done.set()
            if again:
                issue(i + 1)
        fut.add_done_callback(cb)

    c0 = cpu_ticks(sim.proc.pid)
    t0 = time.monotonic()
    state["open"] = inflight
    for i in range(inflight):
        issue(i)
    done.wait(seconds + 60)
    elapsed = time.monotonic() - t0
    c1 = cpu_ticks(sim.proc.pid)
    ch.close()
    if state["errors"]:
        raise RuntimeError(f"{state['errors']} calls failed")
    n = state["n"]
    return n / elapsed, state["lat"] / n * 1000, (c1 - c0) / HZ * 1e6 / n


def connects(sim, seconds):
    """New connections one after another, one GetChainInfo each: (connections/s, CPU us/connection)."""
    prop = Proposal(sim.admin, "", "qscc", ["GetChainInfo", "mychannel"]).signed
    c0 = cpu_ticks(sim.proc.pid)
    t0 = time.monotonic()
    n = 0
    while time.monotonic() - t0 < seconds:
        with sim.channel() as ch:
            assert peer_grpc.EndorserStub(ch).ProcessProposal(prop, timeout=10).response.status == 200
        n += 1
    elapsed = time.monotonic() - t0
    return n / elapsed, (cpu_ticks(sim.proc.pid) - c0) / HZ * 1e6 / n


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--base", required=True, help="the other fabric-sim tree (a tools/fabric-sim directory)")
    ap.add_argument("--mode", default="tls", choices=["tls", "plaintext", "mutual-tls"])
    ap.add_argument("--seconds", type=float, default=5)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--clients", default="1,32")
    a = ap.parse_args()
    trees = {"base": os.path.abspath(a.base), "this": HERE}
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        sims = {k: Sim(t, a.mode, tmp) for k, t in trees.items()}
        try:
            print(f"== {a.mode}, {os.cpu_count()} cores, {a.seconds:g} s per measurement; "
                  f"base={trees['base']} this={trees['this']}")
            cases = [(f"GetChainInfo x{c}", ["GetChainInfo", "mychannel"], int(c)) for c in a.clients.split(",")]
            cases += [(f"GetBlockByNumber0 x{c}", ["GetBlockByNumber", "mychannel", "0"], int(c))
                      for c in a.clients.split(",")]
            for r in range(1, a.rounds + 1):
                for name, args, c in cases:
                    for k in ("base", "this") if r % 2 else ("this", "base"):
                        rate, ms, cpu = load(sims[k], args, c, a.seconds)
                        results.setdefault((name, k), []).append((rate, ms, cpu))
                        print(f"RESULT round={r} case='{name}' sim={k} calls_per_s={rate:.0f} "
                              f"mean_ms={ms:.3f} sim_cpu_us_per_call={cpu:.0f}", flush=True)
                for k in ("base", "this") if r % 2 else ("this", "base"):
                    rate, cpu = connects(sims[k], a.seconds)
                    results.setdefault(("new connection + call", k), []).append((rate, 0, cpu))
                    print(f"RESULT round={r} case='new connection + call' sim={k} conns_per_s={rate:.0f} "
                          f"sim_cpu_us_per_conn={cpu:.0f}", flush=True)
        finally:
            for s in sims.values():
                s.close()
    print("== medians (base -> this)")
    names = []
    for name, _ in results:
        if name not in names:
            names.append(name)
    for name in names:
        b, t = results[(name, "base")], results[(name, "this")]
        med = lambda rows, i: statistics.median(x[i] for x in rows)  # noqa: E731
        print(f"{name:28s} rate {med(b, 0):7.0f} -> {med(t, 0):7.0f}/s   "
              f"latency {med(b, 1):7.3f} -> {med(t, 1):7.3f} ms   "
              f"sim CPU {med(b, 2):6.0f} -> {med(t, 2):6.0f} us")


if __name__ == "__main__":
    main()
