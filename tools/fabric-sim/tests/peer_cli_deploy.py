"""Deploys a chaincode the way `peer lifecycle chaincode` does, with no gateway involved:
package (ccaas), install on one peer of each org, approve by each org with its package ID,
commit endorsed by all. Tests use it to build a chaincode "deployed by another tool".

    python peer_cli_deploy.py SIM_DIR NAME --orgs Org1MSP,Org2MSP [--label basic_1.0] [--sequence 1]
        [--approve-orgs Org1MSP] [--commit-orgs Org1MSP,Org2MSP] [--version 1.0] [--policy DSL]
        [--collections JSON] [--init-required] [--init FUNCTION] [--no-commit]

Installs on every org of --orgs, approves for --approve-orgs (default: the same orgs), commits
unless --no-commit, endorsed by a peer of each org of --commit-orgs (default: the approving orgs;
orgs that approved earlier with another tool may be named). --init-required approves and commits
a definition that requires initialization; --init then calls FUNCTION as init once committed
(`peer chaincode invoke --isInit`), endorsed by the same peers, as a client of the first org. Prints {"packageId": ..., "sequence": ...} on success (sequence: the
committed one, null with --no-commit); exits 1 with Fabric's message otherwise.
--collections takes what `peer lifecycle chaincode approveformyorg --collections-config` reads
(a JSON list of {name, policy, requiredPeerCount, maxPeerCount, blockToLive, memberOnlyRead,
memberOnlyWrite, endorsementPolicy: {signaturePolicy | channelConfigPolicy}}), inline.
"""
import argparse
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from fabclient import Lifecycle, Net, Proposal  # noqa: E402
from fabsim import packages  # noqa: E402
from fabsim.pb import lifecycle  # noqa: E402


def collections_package(items):
    """internal/peer/chaincode/common.go GetCollectionConfigFromBytes, for the fields used here."""
    from fabsim.pb import collection, peerpolicy
    from fabsim.policy import from_string
    pkg = collection.CollectionConfigPackage()
    for c in items:
        s = collection.StaticCollectionConfig(
            name=c["name"], required_peer_count=c.get("requiredPeerCount", 0),
            maximum_peer_count=c.get("maxPeerCount", 0), block_to_live=c.get("blockToLive", 0),
            member_only_read=c.get("memberOnlyRead", False), member_only_write=c.get("memberOnlyWrite", False))
        s.member_orgs_policy.signature_policy.CopyFrom(from_string(c["policy"]))
        ep = c.get("endorsementPolicy") or {}
        if "signaturePolicy" in ep:
            s.endorsement_policy.CopyFrom(peerpolicy.ApplicationPolicy(signature_policy=from_string(ep["signaturePolicy"])))
        elif "channelConfigPolicy" in ep:
            s.endorsement_policy.CopyFrom(peerpolicy.ApplicationPolicy(channel_config_policy_reference=ep["channelConfigPolicy"]))
        pkg.config.add(static_collection_config=s)
    return pkg


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("sim_dir")
    ap.add_argument("name")
    ap.add_argument("--orgs", default="Org1MSP,Org2MSP")
    ap.add_argument("--label", default="basic_1.0")
    ap.add_argument("--sequence", type=int, default=1)
    ap.add_argument("--channel", default="mychannel")
    ap.add_argument("--approve-orgs")
    ap.add_argument("--version", default="1.0")
    ap.add_argument("--commit-orgs")
    ap.add_argument("--no-commit", action="store_true")
    ap.add_argument("--init-required", action="store_true")
    ap.add_argument("--init", metavar="FUNCTION")
    ap.add_argument("--policy", default="", help="signature policy DSL (default: the channel's Endorsement)")
    ap.add_argument("--collections", help="collections config JSON, as peer CLI's --collections-config file holds")
    ap.add_argument("--no-package", action="store_true",
                    help="approve without a package ID (approveformyorg without --package-id): no peer runs it")
    a = ap.parse_args()
    kw = {}
    if a.policy:
        from fabsim.pb import peerpolicy
        from fabsim.policy import from_string
        kw["policy"] = peerpolicy.ApplicationPolicy(signature_policy=from_string(a.policy)).SerializeToString()
    if a.collections:
        kw["collections"] = collections_package(json.loads(a.collections))
    if a.init_required:
        kw["init_required"] = True
    net = Net(a.sim_dir)
    lc = Lifecycle(net, a.channel)
    pkg = packages.build(a.label, "ccaas", [("connection.json", b'{"address":"127.0.0.1:9999"}')])
    pid = packages.package_id(a.label, pkg)
    orgs = a.orgs.split(",")
    approving = a.approve_orgs.split(",") if a.approve_orgs else orgs
    try:
        for m in orgs:
            r = lc.install(m, pkg)
            if r.response.status != 200 and "already successfully installed" not in r.response.message:
                sys.exit(f"install on {m}: {r.response.message}")
        for m in approving:
            code, r = lc.approve(m, a.name, a.sequence, None if a.no_package else pid, version=a.version, **kw)
            if code != 0:
                sys.exit(f"approve by {m}: {r.response.message if r else code}")
        if a.no_commit:
            print(json.dumps({"packageId": pid, "sequence": None}))
            return
        committing = a.commit_orgs.split(",") if a.commit_orgs else approving
        code, r = lc.commit(committing, a.name, a.sequence, version=a.version, **kw)
        if code != 0:
            sys.exit(f"commit: {r.response.message if r else code}")
        if a.init:
            prop = Proposal(net.user(committing[0]), a.channel, a.name, [a.init], is_init=True)
            resps = [net.propose(m, prop) for m in committing]
            bad = [r for r in resps if r.response.status != 200]
            if bad:
                sys.exit(f"init: {bad[0].response.message}")
            b = net.broadcast(prop.envelope(resps))
            if b.status != 200:  # common.Status SUCCESS
                sys.exit(f"init: broadcast: {b.status} {b.info}")
            code, _ = net.wait_all(prop.tx_id, a.channel)
            if code != 0:
                sys.exit(f"init: validation code {code}")
        got, _ = lc.query(orgs[0], "QueryChaincodeDefinition", lifecycle.QueryChaincodeDefinitionArgs(name=a.name),
                          lifecycle.QueryChaincodeDefinitionResult)
        print(json.dumps({"packageId": pid, "sequence": got.sequence}))
    finally:
        net.close()


if __name__ == "__main__":
    main()
