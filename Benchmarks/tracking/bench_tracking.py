"""Helpers of scripts/bench-tracking.sh (approval tracking: catch-up and status endpoint).

  catchup URL TOKEN LAST TIMEOUT START
                     polls GET .../chaincodes/bench-cc-001/history (a database read) every
                     20 ms until trackedThroughBlock >= LAST; prints
                     `RESULT catchup blocks=… seconds=… blocks_per_s=…`, seconds counted from
                     START (epoch seconds: when the gateway process was launched)
  seed URL TOKEN DEFINITIONS
                     saves a draft (version 1.0, sequence 1, default policy) for bench-cc-001…
                     through the REST API
  verify URL TOKEN HISTORY_JSON
                     compares GET .../approvals of every definition with the generated plan
                     (<simdir>/history.json): the orgs that approved the common parameters are
                     `approved` from a block, the others `approved-different` on the planned field
  probe URL TOKEN NAME COUNT
                     saves a draft for NAME (which nobody approved) and GETs its approvals COUNT
                     times in a row: `RESULT probe … p50_ms=… p99_ms=…` (the worst case of
                     "who is still needed": a majority of every org)
  direct SIMDIR CLIENTS SECONDS DEFINITIONS
                     the peer query the status is built on, without the gateway: CheckCommitReadiness
                     of the same definitions signed by User1@org1 (fabric-sim's test client) to
                     peer0.org1's Endorser from CLIENTS threads; `RESULT direct-grpc …`
  http URL TOKEN CLIENTS SECONDS DEFINITIONS
                     GET .../approvals round-robin over the definitions from CLIENTS threads
                     (keep-alive); prints `RESULT status-python clients=… queries=… seconds=…
                     qps=… mean_ms=… p50_ms=… p99_ms=… errors=…`
"""
import hashlib
import http.client
import json
import os
import sys
import threading
import time

CHANNEL = "mychannel"


def name(i):
    return f"bench-cc-{i + 1:03d}"


class API:
    def __init__(self, url, token):
        host, port = url.split("//", 1)[1].rsplit(":", 1)
        self.conn = http.client.HTTPConnection(host, int(port), timeout=60)
        self.headers = {"Authorization": "Bearer " + token, "Content-Type": "application/json"}

    def call(self, method, path, body=None):
        data = None if body is None else json.dumps(body).encode()
        self.conn.request(method, f"/api/v1/channels/{CHANNEL}/chaincodes/" + path, body=data, headers=self.headers)
        resp = self.conn.getresponse()
        raw = resp.read()
        return resp.status, (json.loads(raw) if raw else None)


def catchup(url, token, last, timeout, launched):
    api, start = API(url, token), time.monotonic()
    while True:
        try:
            status, body = api.call("GET", f"{name(0)}/history")
        except OSError:          # the gateway is still starting
            status, body = 0, None
            api = API(url, token)
        done = status == 200 and (body.get("trackedThroughBlock") or 0) >= last
        if done or time.monotonic() - start > timeout:
            break
        time.sleep(0.02)
    secs = time.time() - launched
    if not done:
        sys.exit(f"catch-up not finished after {timeout}s (last response: {status} {str(body)[:300]})")
    print(f"RESULT catchup blocks={last} seconds={secs:.2f} blocks_per_s={last / secs:.0f}")


def seed(url, token, definitions):
    api = API(url, token)
    for i in range(definitions):
        status, body = api.call("PUT", f"{name(i)}/draft", {"version": "1.0", "sequence": 1})
        if status != 200:
            sys.exit(f"draft {name(i)}: HTTP {status} {body}")
    print(f"seeded {definitions} drafts")


def verify(url, token, history_json):
    plan = json.load(open(history_json))["approved"]
    api, bad, checked = API(url, token), [], 0
    for cc, want in plan.items():
        status, body = api.call("GET", f"{cc}/approvals")
        if status != 200:
            sys.exit(f"approvals {cc}: HTTP {status} {body}")
        for org in body["orgs"]:
            checked += 1
            msp, state, src = org["mspId"], org["state"], org["source"]["kind"]
            if msp in want["same"]:
                ok = state == "approved" and src == "block"
            else:
                field = "version" if "version" in want["different"].get(msp, {}) else "endorsementPolicy"
                fields = [d["field"] for d in org.get("differences", []) if "note" not in d]
                ok = state == "approved-different" and src == "block" and fields == [field]
            if not ok:
                bad.append(f"{cc} {msp}: {state} {org.get('differences')}")
    print(f"verified {checked} org states of {len(plan)} definitions: {len(bad)} unexpected")
    for b in bad[:10]:
        print("  " + b)
    if bad:
        sys.exit(1)


def probe(url, token, cc, count):
    api = API(url, token)
    status, body = api.call("PUT", f"{cc}/draft", {"version": "1.0", "sequence": 1})
    if status != 200:
        sys.exit(f"draft {cc}: HTTP {status} {body}")
    lat = []
    for _ in range(count):
        t0 = time.perf_counter()
        status, body = api.call("GET", f"{cc}/approvals")
        lat.append(time.perf_counter() - t0)
        if status != 200:
            sys.exit(f"approvals {cc}: HTTP {status} {body}")
    lat.sort()
    sets = body.get("smallestSets") or [[]]
    print(f"RESULT probe name={cc} queries={count} p50_ms={lat[len(lat) // 2] * 1e3:.3f} "
          f"p99_ms={lat[min(len(lat) - 1, int(len(lat) * 0.99))] * 1e3:.3f} smallest_sets={len(sets)} "
          f"set_size={len(sets[0])} truncated={str(body.get('smallestSetsTruncated', False)).lower()}")


def listing(url, token, count):
    """GET .../chaincodes `count` times at one client: every chaincode with its pending approvals."""
    api = API(url, token)
    lat, body = [], None
    for _ in range(count):
        t0 = time.perf_counter()
        api.conn.request("GET", f"/api/v1/channels/{CHANNEL}/chaincodes", headers=api.headers)
        resp = api.conn.getresponse()
        raw = resp.read()
        lat.append(time.perf_counter() - t0)
        if resp.status != 200:
            sys.exit(f"list: HTTP {resp.status} {raw[:300]!r}")
        body = raw
    lat.sort()
    items = json.loads(body)["items"]
    orgs = max((len((i.get("pending") or {}).get("orgs", [])) for i in items), default=0)
    print(f"RESULT listing queries={count} chaincodes={len(items)} orgs={orgs} bytes={len(body)} "
          f"sha256={hashlib.sha256(body).hexdigest()[:16]} "
          f"p50_ms={lat[len(lat) // 2] * 1e3:.3f} p99_ms={lat[min(len(lat) - 1, int(len(lat) * 0.99))] * 1e3:.3f}")


def load(url, token, clients, seconds, definitions):
    lat, errors, lock = [], [0], threading.Lock()
    stop = time.monotonic() + seconds

    def worker(k):
        api, i, mine = API(url, token), k, []
        while time.monotonic() < stop:
            t0 = time.perf_counter()
            status, _ = api.call("GET", f"{name(i % definitions)}/approvals")
            mine.append(time.perf_counter() - t0)
            if status != 200:
                with lock:
                    errors[0] += 1
            i += clients
        with lock:
            lat.extend(mine)
    report("status-python", clients, lat, errors[0], lambda: _run(worker, clients))


def direct(sim_dir, clients, seconds, definitions):
    here = os.path.dirname(os.path.abspath(__file__))
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(here)), "tools", "fabric-sim", "tests"))
    from fabclient import Net, def_args, lc_prop  # noqa: E402 — needs the sim's path first
    from fabsim.pb import lifecycle  # noqa: E402

    net = Net(sim_dir)
    ident, endorser = net.user("Org1MSP"), net.endorser("Org1MSP")   # one HTTP/2 connection, like the gateway
    lat, errors, lock = [], [0], threading.Lock()
    stop = time.monotonic() + seconds

    def worker(k):
        i, mine = k, []
        while time.monotonic() < stop:
            args = def_args(lifecycle.CheckCommitReadinessArgs, name(i % definitions), 1)
            t0 = time.perf_counter()
            r = endorser.ProcessProposal(lc_prop(ident, CHANNEL, "CheckCommitReadiness", args).signed, timeout=30)
            mine.append(time.perf_counter() - t0)
            if r.response.status != 200:
                with lock:
                    errors[0] += 1
            i += clients
        with lock:
            lat.extend(mine)
    report("direct-grpc", clients, lat, errors[0], lambda: _run(worker, clients))
    net.close()


def _run(worker, clients):
    threads = [threading.Thread(target=worker, args=(k,)) for k in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def report(kind, clients, lat, errors, run):
    t0 = time.monotonic()
    run()
    secs = time.monotonic() - t0
    lat.sort()
    pct = lambda p: lat[min(len(lat) - 1, int(len(lat) * p))] * 1e3  # noqa: E731
    print(f"RESULT {kind} clients={clients} queries={len(lat)} seconds={secs:.2f} qps={len(lat) / secs:.0f} "
          f"mean_ms={sum(lat) / len(lat) * 1e3:.3f} p50_ms={pct(0.50):.3f} p99_ms={pct(0.99):.3f} errors={errors}")


def main(argv):
    cmd, a = argv[1], argv[2:]
    if cmd == "catchup":
        catchup(a[0], a[1], int(a[2]), float(a[3]), float(a[4]))
    elif cmd == "seed":
        seed(a[0], a[1], int(a[2]))
    elif cmd == "verify":
        verify(a[0], a[1], a[2])
    elif cmd == "probe":
        probe(a[0], a[1], a[2], int(a[3]))
    elif cmd == "listing":
        listing(a[0], a[1], int(a[2]))
    elif cmd == "direct":
        direct(a[0], int(a[1]), float(a[2]), int(a[3]))
    elif cmd == "http":
        load(a[0], a[1], int(a[2]), float(a[3]), int(a[4]))
    else:
        sys.exit(f"unknown command {cmd}")


if __name__ == "__main__":
    main(sys.argv)
