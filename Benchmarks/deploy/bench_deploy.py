"""One deployment of a new chaincode on 2 organizations, timed (wall clock), two ways:

    bench_deploy.py put  URL TOKEN NAME   one PUT .../deployment (YAML spec), then long-poll its operation
    bench_deploy.py hand URL TOKEN NAME   the same steps by hand through the REST API: build the ccaas
                                          package per org, install (long-poll the operation), draft,
                                          approve for both orgs, commit

Both build a ccaas package per organization (address basic-org1 / basic-org2, label NAME_1.0),
install it on every peer, approve for Org1MSP and Org2MSP and commit sequence 1. Prints
`RESULT mode=... seconds=...` and exits 1 on any failure.
"""
import json
import sys
import time
import urllib.error
import urllib.request

ORGS = ["Org1MSP", "Org2MSP"]


def call(url, token, method, path, body=None, content_type="application/json"):
    data = None
    if body is not None:
        data = body.encode() if isinstance(body, str) else json.dumps(body).encode()
    req = urllib.request.Request(url + path, data=data, method=method)
    req.add_header("Authorization", "Bearer " + token)
    if data is not None:
        req.add_header("Content-Type", content_type)
    try:
        with urllib.request.urlopen(req, timeout=120) as r:
            return r.status, json.loads(r.read() or b"null")
    except urllib.error.HTTPError as e:
        sys.exit(f"{method} {path}: {e.code} {e.read()[:500]!r}")


def finished(url, token, op_id):
    while True:
        _, op = call(url, token, "GET", f"/api/v1/operations/{op_id}?wait=60s&until=succeeded,failed")
        if op["state"] in ("succeeded", "failed"):
            if op["state"] != "succeeded":
                sys.exit(f"operation {op_id} failed: {op.get('error')}")
            return op


def put(url, token, name):
    spec = f"""version: "1.0"
package:
  ccaas: {{ label: {name}_1.0, address: "basic-{{org}}:9999" }}
orgs: [Org1MSP, Org2MSP]
commit: whenReady
"""
    status, r = call(url, token, "PUT", f"/api/v1/channels/mychannel/chaincodes/{name}/deployment", spec, "application/yaml")
    if status != 202:
        sys.exit(f"PUT: {status} {r}")
    finished(url, token, r["operation"]["id"])


def hand(url, token, name):
    cc = f"/api/v1/channels/mychannel/chaincodes/{name}"
    ids = {}
    for org in ORGS:
        token_org = org.lower().removesuffix("msp")
        _, p = call(url, token, "POST", "/api/v1/packages/ccaas", {"label": f"{name}_1.0", "address": f"basic-{token_org}:9999"})
        ids[org] = p["packageId"]
    _, peers = call(url, token, "GET", "/api/v1/network")
    for org in ORGS:
        names = [p for o in peers["organizations"] if o["mspId"] == org for p in o["peers"]]
        _, r = call(url, token, "POST", "/api/v1/installs", {"packageId": ids[org], "peers": names})
        finished(url, token, r["operation"]["id"])
    call(url, token, "PUT", cc + "/draft", {"version": "1.0", "packageIds": ids})
    _, r = call(url, token, "POST", cc + "/approvals", {"orgs": ORGS})
    if any(x.get("error") for x in r["results"]):
        sys.exit(f"approve: {r}")
    call(url, token, "POST", cc + "/commit", {})


def main():
    mode, url, token, name = sys.argv[1:5]
    t0 = time.monotonic()
    {"put": put, "hand": hand}[mode](url, token, name)
    print(f"RESULT mode={mode} name={name} seconds={time.monotonic() - t0:.3f}")


if __name__ == "__main__":
    main()
