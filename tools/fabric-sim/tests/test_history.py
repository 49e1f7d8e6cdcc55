"""`generate-history`: an offline ledger of signed, endorsed approvals that `up` replays."""
import json
import os
import subprocess
import sys

import yaml

from fabclient import Lifecycle, Net, def_args, start_sim, stop_sim
from fabsim.pb import ab, chaincode, common, lifecycle, transaction
from fabsim.pb import proposal as proposal_pb

SIM = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "fabric_sim.py")


def generate(d, *args):
    return subprocess.run([sys.executable, SIM, "generate-history", "--dir", d, *args],
                          capture_output=True, text=True, timeout=300)


def blocks(net, mspid, first, last):
    env = net.seek_envelope(net.user(mspid), "mychannel", ab.SeekPosition(specified=ab.SeekSpecified(number=first)),
                            ab.SeekPosition(specified=ab.SeekSpecified(number=last)))
    return [r.block for r in net.deliver(mspid).Deliver(iter([env]), timeout=20) if r.WhichOneof("Type") == "block"]


def test_history_is_replayed_by_up(tmp_path):
    d = str(tmp_path)
    r = generate(d, "--orgs", "3", "--definitions", "2", "--peer-orgs", "2")
    assert r.returncode == 0, r.stderr
    summary = json.loads(r.stdout)
    assert summary["approvals"] == 6 and summary["invalid"] == 0 and summary["height"] == 7
    plan = json.load(open(os.path.join(d, "history.json")))["approved"]
    # the plan mixes in a different approval: Org3 approves bench-cc-002 at version 1.1
    assert plan["bench-cc-002"]["different"] == {"Org3MSP": {"version": "1.1"}}

    proc = start_sim(d, "--orgs", "3", "--peer-orgs", "2")
    try:
        net = Net(d)
        assert [p["mspId"] for p in net.ready["peers"]] == ["Org1MSP", "Org2MSP"]
        cfg = yaml.safe_load(open(os.path.join(d, "gateway.yaml")))["network"]["organizations"]
        assert [(o["mspId"], len(o["peers"])) for o in cfg] == [("Org1MSP", 1), ("Org2MSP", 1), ("Org3MSP", 0)]
        assert all(os.path.isdir(o["adminIdentity"]["mspDir"]) for o in cfg)
        assert net.height("Org1MSP") == 7 and net.height("Org2MSP") == 7
        got = blocks(net, "Org2MSP", 1, 6)
        assert [b.header.number for b in got] == [1, 2, 3, 4, 5, 6]
        creators = []
        for b in got:
            assert len(b.data.data) == 1 and b.metadata.metadata[common.TRANSACTIONS_FILTER] == bytes([0])
            assert b.metadata.metadata[common.SIGNATURES]   # signed by the orderer
            env = common.Envelope.FromString(b.data.data[0])
            payload = common.Payload.FromString(env.payload)
            creators.append(common.SignatureHeader.FromString(payload.header.signature_header).creator)
            tx = transaction.Transaction.FromString(payload.data)
            cap = transaction.ChaincodeActionPayload.FromString(tx.actions[0].payload)
            assert len(cap.action.endorsements) == 1 and env.signature
            cpp = proposal_pb.ChaincodeProposalPayload.FromString(cap.chaincode_proposal_payload)
            args = chaincode.ChaincodeInvocationSpec.FromString(cpp.input).chaincode_spec.input.args
            assert args[0] == b"ApproveChaincodeDefinitionForMyOrg"
        # one approval per org and definition, each signed by that org's admin
        assert creators == [net.admin(f"Org{i}MSP").creator for i in (1, 2, 3, 1, 2, 3)]

        lc = Lifecycle(net)
        for name, v in plan.items():
            res, resp = lc.query("Org1MSP", "CheckCommitReadiness",
                                 def_args(lifecycle.CheckCommitReadinessArgs, name, 1),
                                 lifecycle.CheckCommitReadinessResult)
            assert res is not None, resp.response.message
            assert sorted(m for m, ok in res.approvals.items() if ok) == sorted(v["same"])
        # the approving org's own private data was kept: it can query what it approved
        res, resp = lc.query("Org2MSP", "QueryApprovedChaincodeDefinition",
                             lifecycle.QueryApprovedChaincodeDefinitionArgs(name="bench-cc-001", sequence=1),
                             lifecycle.QueryApprovedChaincodeDefinitionResult)
        assert res is not None, resp.response.message
        assert res.version == "1.0" and res.source.local_package.package_id.startswith("bench-cc-001_1:")
        # the network goes on from the generated history
        code, _ = lc.approve("Org1MSP", "after-history", 1)
        assert code == 0
        net.close()
    finally:
        stop_sim(proc)


def test_txs_per_block_and_refusals(tmp_path):
    d = str(tmp_path)
    r = generate(d, "--orgs", "2", "--definitions", "3", "--txs-per-block", "4")
    assert r.returncode == 0, r.stderr
    s = json.loads(r.stdout)
    assert s["approvals"] == 6 and s["height"] == 3 and s["invalid"] == 0
    again = generate(d, "--orgs", "2", "--definitions", "1")
    assert again.returncode == 1 and "already has 3 blocks" in again.stderr
    open(os.path.join(d, "sim.pid"), "w").write("1")
    busy = generate(d, "--orgs", "2", "--definitions", "1")
    assert busy.returncode == 1 and "stop it first" in busy.stderr
