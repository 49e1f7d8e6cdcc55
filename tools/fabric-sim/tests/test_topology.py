"""Several channels and several peers per org."""
from conftest import deploy, invoke
from fabclient import Lifecycle, Net, Proposal, start_sim, stop_sim
from fabsim.pb import lifecycle, query as qpb


def test_two_channels_two_peers_per_org(tmp_path):
    proc = start_sim(str(tmp_path), "--orgs", "2", "--channels", "mychannel,second", "--peers-per-org", "2")
    try:
        n = Net(str(tmp_path))
        assert len(n.ready["peers"]) == 4
        r = n.propose("Org2MSP", Proposal(n.admin("Org2MSP"), "", "cscc", ["GetChannels"]), 1)
        assert [c.channel_id for c in qpb.ChannelQueryResponse.FromString(r.response.payload).channels] == \
            ["mychannel", "second"]
        lc = Lifecycle(n)
        deploy(lc, "multi", ["Org1MSP", "Org2MSP"])
        # the approval's private data reached the org's second peer too
        p = Proposal(n.admin("Org1MSP"), "mychannel", "_lifecycle", [
            "QueryApprovedChaincodeDefinition",
            lifecycle.QueryApprovedChaincodeDefinitionArgs(name="multi").SerializeToString()])
        r = n.propose("Org1MSP", p, 1)
        assert lifecycle.QueryApprovedChaincodeDefinitionResult.FromString(r.response.payload).sequence == 1
        assert invoke(n, "multi", ["InitLedger"])[0] == 0
        # nothing is defined on the other channel
        lc2 = Lifecycle(n, "second")
        _, r = lc2.query("Org1MSP", "QueryChaincodeDefinition", lifecycle.QueryChaincodeDefinitionArgs(name="multi"),
                         lifecycle.QueryChaincodeDefinitionResult)
        assert r.response.status == 404
        n.close()
    finally:
        stop_sim(proc)
