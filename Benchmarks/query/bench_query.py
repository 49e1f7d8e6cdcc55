"""Helpers of scripts/bench-query.sh (chaincode query through the gateway vs direct grpcio).

  setup URL TOKEN            deploy `basic` on mychannel through the gateway's REST API and
                             submit CreateAsset asset1 (package, install, draft, approve, commit)
  http URL TOKEN CLIENTS SECONDS
                             POST .../evaluate ReadAsset asset1 from CLIENTS threads (keep-alive)
  grpc SIMDIR CLIENTS SECONDS [--with-definition]
                             the same query as a signed proposal to peer0.org1's Endorser from
                             CLIENTS threads (fresh nonce and signature per call, like the
                             gateway); --with-definition first queries `_lifecycle`
                             QueryChaincodeDefinition as the gateway does before each evaluate

Load modes print one line: `RESULT <name> clients=N queries=Q seconds=S qps=… mean_ms=… p50_ms=…
p99_ms=… client_cpu_us=…` (client_cpu_us = this process's CPU per query).
"""
import http.client
import json
import os
import resource
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
CHANNEL, CC = "mychannel", "basic"
EVALUATE = {"function": "ReadAsset", "args": ["asset1"]}


class API:
    def __init__(self, url, token):
        host, port = url.split("//", 1)[1].rsplit(":", 1)
        self.conn = http.client.HTTPConnection(host, int(port), timeout=60)
        self.headers = {"Authorization": "Bearer " + token, "Content-Type": "application/json"}

    def call(self, method, path, body=None, expect=(200, 201, 202)):
        data = None if body is None else json.dumps(body).encode()
        self.conn.request(method, "/api/v1" + path, body=data, headers=self.headers)
        resp = self.conn.getresponse()
        raw = resp.read()
        if resp.status not in expect:
            sys.exit(f"{method} {path}: HTTP {resp.status}: {raw.decode(errors='replace')[:2000]}")
        return json.loads(raw) if raw else None


def wait_operation(api, op):
    deadline = time.time() + 120
    while op["state"] not in ("succeeded", "failed"):
        if time.time() > deadline:
            sys.exit(f"operation {op['id']} still {op['state']} after 120 s")
        time.sleep(0.2)
        op = api.call("GET", f"/operations/{op['id']}")
    if op["state"] != "succeeded":
        sys.exit(f"operation {op['kind']} failed: {json.dumps(op)[:2000]}")
    return op


def setup(url, token):
    api = API(url, token)
    pkg = api.call("POST", "/packages/ccaas", {"label": "basic_1.0", "address": "basic.example.com:9999"})
    pid = pkg["packageId"]
    wait_operation(api, api.call("POST", "/installs", {"packageId": pid})["operation"])
    base = f"/channels/{CHANNEL}/chaincodes/{CC}"
    api.call("PUT", base + "/draft", {"version": "1.0", "packageIds": {"Org1MSP": pid, "Org2MSP": pid}})
    approvals = api.call("POST", base + "/approvals", {"orgs": ["Org1MSP", "Org2MSP"]})
    bad = [r for r in approvals["results"] if r.get("error") or r.get("validationCode") not in ("VALID", 0, None)]
    if bad:
        sys.exit(f"approvals failed: {bad}")
    commit = api.call("POST", base + "/commit")
    sub = api.call("POST", base + "/submit", {"function": "CreateAsset", "args": ["asset1", "blue", "5", "Tom", "100"]})
    check = api.call("POST", base + "/evaluate", EVALUATE)
    if "asset1" not in check.get("result", ""):
        sys.exit(f"evaluate did not return asset1: {check}")
    print(f"setup: package {pid}, commit block {commit.get('blockNumber')}, CreateAsset block "
          f"{sub.get('blockNumber')}, ReadAsset -> {check['result']}")


def run_load(name, clients, seconds, make_worker):
    """Runs `clients` threads calling their worker until the deadline; prints the RESULT line."""
    lat = [[] for _ in range(clients)]
    errors = []
    workers = [make_worker() for _ in range(clients)]
    for w in workers:           # one warm-up call each (connection set-up)
        w()
    start_barrier = threading.Barrier(clients + 1)
    stop = [0.0]

    def loop(i):
        start_barrier.wait()
        out, w = lat[i], workers[i]
        try:
            while True:
                t0 = time.perf_counter()
                if t0 >= stop[0]:
                    return
                w()
                out.append(time.perf_counter() - t0)
        except Exception as e:  # noqa: BLE001 — reported and turned into a failure below
            errors.append(repr(e))

    threads = [threading.Thread(target=loop, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    r0 = resource.getrusage(resource.RUSAGE_SELF)
    t_start = time.perf_counter()
    stop[0] = t_start + seconds
    start_barrier.wait()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - t_start
    r1 = resource.getrusage(resource.RUSAGE_SELF)
    if errors:
        sys.exit(f"{name}: {len(errors)} errors, first: {errors[0]}")
    all_lat = sorted(x for xs in lat for x in xs)
    n = len(all_lat)
    cpu = (r1.ru_utime + r1.ru_stime - r0.ru_utime - r0.ru_stime) / n * 1e6
    print(f"RESULT {name} clients={clients} queries={n} seconds={elapsed:.2f} qps={n / elapsed:.0f} "
          f"mean_ms={sum(all_lat) / n * 1e3:.3f} p50_ms={all_lat[n // 2] * 1e3:.3f} "
          f"p99_ms={all_lat[min(n - 1, int(n * 0.99))] * 1e3:.3f} client_cpu_us={cpu:.0f}", flush=True)


def http_load(url, token, clients, seconds):
    host, port = url.split("//", 1)[1].rsplit(":", 1)
    body = json.dumps(EVALUATE).encode()
    headers = {"Authorization": "Bearer " + token, "Content-Type": "application/json"}
    path = f"/api/v1/channels/{CHANNEL}/chaincodes/{CC}/evaluate"

    def make():
        conn = http.client.HTTPConnection(host, int(port), timeout=60)

        def call():
            conn.request("POST", path, body=body, headers=headers)
            resp = conn.getresponse()
            raw = resp.read()
            if resp.status != 200:
                raise RuntimeError(f"HTTP {resp.status}: {raw[:300]!r}")
        return call
    run_load("gateway-python-http", clients, seconds, make)


def grpc_load(sim_dir, clients, seconds, with_definition):
    sys.path.insert(0, os.path.join(REPO, "tools", "fabric-sim", "tests"))
    from fabclient import Net, Proposal, lc_prop  # noqa: E402 — needs the sim's path first
    from fabsim.pb import lifecycle  # noqa: E402

    net = Net(sim_dir)
    ident = net.user("Org1MSP")
    endorser = net.endorser("Org1MSP")   # one channel (HTTP/2 connection) shared, like the gateway
    qdef = lifecycle.QueryChaincodeDefinitionArgs(name=CC)

    def make():
        def call():
            if with_definition:
                r = endorser.ProcessProposal(lc_prop(ident, CHANNEL, "QueryChaincodeDefinition", qdef).signed, timeout=30)
                if r.response.status != 200:
                    raise RuntimeError(f"QueryChaincodeDefinition: {r.response.status} {r.response.message}")
            r = endorser.ProcessProposal(Proposal(ident, CHANNEL, CC, ["ReadAsset", "asset1"]).signed, timeout=30)
            if r.response.status != 200 or b"asset1" not in r.response.payload:
                raise RuntimeError(f"ReadAsset: {r.response.status} {r.response.message}")
        return call
    run_load("direct-grpc+definition" if with_definition else "direct-grpc", clients, seconds, make)
    net.close()


def main(argv):
    if len(argv) >= 3 and argv[0] == "setup":
        setup(argv[1], argv[2])
    elif len(argv) == 5 and argv[0] == "http":
        http_load(argv[1], argv[2], int(argv[3]), float(argv[4]))
    elif len(argv) in (4, 5) and argv[0] == "grpc":
        grpc_load(argv[1], int(argv[2]), float(argv[3]), "--with-definition" in argv[4:])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
