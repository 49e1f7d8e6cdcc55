"""`up --per-org-configs`: one gateway configuration per organization (scripts/run.sh --per-org)."""
import json
import os

import yaml

from fabclient import start_sim, stop_sim


def test_each_org_gets_its_own_identities_and_peers_only(tmp_path):
    d = str(tmp_path)
    proc = start_sim(d, "--orgs", "2", "--mutual-tls", "--per-org-configs")
    try:
        ready = json.load(open(os.path.join(d, "ready.json")))
        paths = ready["perOrgConfigs"]
        assert sorted(paths) == ["Org1MSP", "Org2MSP"]
        full = yaml.safe_load(open(ready["gatewayConfig"]))["network"]
        orgs = {o["mspId"]: o for o in ready["organizations"]}
        for mspid, path in paths.items():
            assert path == os.path.join(d, f"gateway-{mspid}.yaml")
            net = yaml.safe_load(open(path))["network"]
            assert [o["mspId"] for o in net["organizations"]] == [mspid]
            org = net["organizations"][0]
            assert org["adminIdentity"] == {"mspDir": orgs[mspid]["adminMspDir"]}
            assert org["clientIdentity"] == {"mspDir": orgs[mspid]["userMspDir"]}
            assert [p["name"] for p in org["peers"]] == [p["name"] for p in ready["peers"] if p["mspId"] == mspid]
            # the org's own TLS client certificate: discovery binds requests to it
            for p in org["peers"]:
                assert p["tls"]["clientCertFile"] == os.path.join(orgs[mspid]["adminTlsDir"], "client.crt")
            # the orderer and the other orgs' peers come from discovery
            assert net["orderers"] == []
            assert net["channels"] == full["channels"]
    finally:
        stop_sim(proc)


def test_not_written_without_the_flag(tmp_path):
    d = str(tmp_path)
    proc = start_sim(d, "--orgs", "2")
    try:
        assert "perOrgConfigs" not in json.load(open(os.path.join(d, "ready.json")))
        assert not [f for f in os.listdir(d) if f.startswith("gateway-")]
    finally:
        stop_sim(proc)
