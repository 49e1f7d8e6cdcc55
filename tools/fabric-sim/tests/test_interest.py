"""ProposalResponse.interest (core/endorser/endorser.go buildChaincodeInterest) and the
validation of collections with their own endorsement policy (core/common/validation/statebased
v20.go) and of chaincode-to-chaincode calls (every written namespace's policy)."""
from conftest import deploy, invoke
from fabclient import Lifecycle, Proposal
from fabsim.pb import collection, peerpolicy
from fabsim.pb import transaction as T
from fabsim.policy import from_string

ORGS = ("Org1MSP", "Org2MSP", "Org3MSP")


def sig(dsl):
    return peerpolicy.ApplicationPolicy(signature_policy=from_string(dsl)).SerializeToString()


def secret_collection(endorsement):
    """`secret`: every org a member, its own endorsement policy."""
    s = collection.StaticCollectionConfig(
        name="secret", required_peer_count=0, maximum_peer_count=3,
        member_orgs_policy=collection.CollectionPolicyConfig(
            signature_policy=from_string("OR('Org1MSP.member','Org2MSP.member','Org3MSP.member')")),
        endorsement_policy=peerpolicy.ApplicationPolicy(signature_policy=from_string(endorsement)))
    return collection.CollectionConfigPackage(config=[collection.CollectionConfig(static_collection_config=s)])


def calls(resp):
    return [(c.name, list(c.collection_names), c.no_private_reads) for c in resp.interest.chaincodes]


def propose(net, cc, args, mspid="Org2MSP"):
    return net.propose(mspid, Proposal(net.user(mspid), "mychannel", cc, args))


def test_interest_names_what_the_simulation_touched(net3):
    lc = Lifecycle(net3)
    deploy(lc, "int-coll", ORGS, policy=sig("OR('Org2MSP.peer')"), collections=secret_collection(
        "AND('Org1MSP.peer','Org3MSP.peer')"))
    deploy(lc, "int-callee", ORGS, policy=sig("AND('Org1MSP.peer','Org3MSP.peer')"))
    # A public write: the chaincode's policy; a private write only: the collection's, reads none.
    assert calls(propose(net3, "int-coll", ["CreateAsset", "a", "b", "1", "o", "2"])) == [("int-coll", [], False)]
    assert calls(propose(net3, "int-coll", ["PutPrivate", "secret", "k", "v"])) == [("int-coll", ["secret"], True)]
    # A private read: the chaincode's policy (a hashed read in the public read set) and the collection's.
    r = propose(net3, "int-coll", ["ReadPrivate", "secret", "k"])
    assert r.response.status == 500 and calls(r) == [("int-coll", [], False), ("int-coll", ["secret"], False)]
    # A chaincode-to-chaincode call: the callee's namespace (the caller touched none of its own
    # state, so Fabric's interest leaves it out, though the invoked namespace is validated).
    r = propose(net3, "int-coll", ["InvokeChaincode", "int-callee", "CreateAsset", "c", "d", "1", "o", "2"])
    assert r.response.status == 200, r.response.message
    assert calls(r) == [("int-callee", [], False)]
    bad = propose(net3, "int-coll", ["PutPrivate", "nope", "k", "v"])
    assert bad.response.message == "collection [nope] not defined in the collection config for chaincode [int-coll]"
    undefined = propose(net3, "int-coll", ["InvokeChaincode", "int-nosuch", "ReadAsset", "x"])
    assert "int-nosuch: make sure the chaincode int-nosuch has been successfully defined" in undefined.response.message


def test_collection_endorsement_policy_replaces_the_chaincodes_for_its_writes(net3):
    lc = Lifecycle(net3)
    deploy(lc, "val-coll", ORGS, policy=sig("OR('Org2MSP.peer')"), collections=secret_collection(
        "AND('Org1MSP.peer','Org3MSP.peer')"))
    write = ["PutPrivate", "secret", "k1", "hidden"]
    code, _ = invoke(net3, "val-coll", write, endorsers=("Org2MSP",), submitter="Org2MSP")
    assert code == T.ENDORSEMENT_POLICY_FAILURE
    code, _ = invoke(net3, "val-coll", write, endorsers=("Org1MSP", "Org3MSP"), submitter="Org2MSP")
    assert code == T.VALID
    # Every member org's peer stored the value.
    for m in ORGS:
        r = propose(net3, "val-coll", ["ReadPrivate", "secret", "k1"], mspid=m)
        assert r.response.payload == b"hidden", m
    # A public write still needs the chaincode's policy, which Org1 and Org3 do not satisfy.
    code, _ = invoke(net3, "val-coll", ["CreateAsset", "p", "b", "1", "o", "2"], endorsers=("Org1MSP", "Org3MSP"),
                     submitter="Org2MSP")
    assert code == T.ENDORSEMENT_POLICY_FAILURE


def test_chaincode_to_chaincode_call_needs_the_callees_policy(net3):
    lc = Lifecycle(net3)
    deploy(lc, "val-a", ORGS, policy=sig("OR('Org2MSP.peer')"))
    deploy(lc, "val-b", ORGS, policy=sig("AND('Org1MSP.peer','Org3MSP.peer')"))
    args = ["InvokeChaincode", "val-b", "CreateAsset", "x", "b", "1", "o", "2"]
    code, _ = invoke(net3, "val-a", args, endorsers=("Org2MSP",), submitter="Org2MSP")
    assert code == T.ENDORSEMENT_POLICY_FAILURE
    # The invoked chaincode's namespace is always validated: its policy holds even when it wrote nothing.
    code, _ = invoke(net3, "val-a", args, endorsers=("Org1MSP", "Org3MSP"), submitter="Org2MSP")
    assert code == T.ENDORSEMENT_POLICY_FAILURE
    code, _ = invoke(net3, "val-a", args, endorsers=("Org1MSP", "Org2MSP", "Org3MSP"), submitter="Org2MSP")
    assert code == T.VALID
