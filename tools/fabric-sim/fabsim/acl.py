"""Default ACLs (core/aclmgmt/defaultaclprovider.go) and policy checks (core/policy/policy.go)."""
from . import crypto
from .msp import MSPError
from .pb import principal
from .policy import PolicyError

LOCAL_ADMIN = "Admins"
WRITERS = "/Channel/Application/Writers"
READERS = "/Channel/Application/Readers"

RESOURCES = {
    "_lifecycle/InstallChaincode": LOCAL_ADMIN,
    "_lifecycle/QueryInstalledChaincode": LOCAL_ADMIN,
    "_lifecycle/QueryInstalledChaincodes": LOCAL_ADMIN,
    "_lifecycle/GetInstalledChaincodePackage": LOCAL_ADMIN,
    "_lifecycle/ApproveChaincodeDefinitionForMyOrg": LOCAL_ADMIN,
    "_lifecycle/QueryApprovedChaincodeDefinition": LOCAL_ADMIN,
    "_lifecycle/CommitChaincodeDefinition": WRITERS,
    "_lifecycle/QueryChaincodeDefinition": WRITERS,
    "_lifecycle/QueryChaincodeDefinitions": WRITERS,
    "_lifecycle/CheckCommitReadiness": WRITERS,
    "peer/Propose": WRITERS,
    "qscc/GetChainInfo": READERS,
    "qscc/GetBlockByNumber": READERS,
    "qscc/GetBlockByHash": READERS,
    "qscc/GetTransactionByID": READERS,
    "qscc/GetBlockByTxID": READERS,
    "cscc/GetChannels": LOCAL_ADMIN.replace("Admins", "Members"),
    "event/Block": READERS,
    "event/FilteredBlock": READERS,
    "gateway/CommitStatus": READERS,
    "gateway/ChaincodeEvents": READERS,
}


class ACLError(Exception):
    pass


def check_local(local_msps, policy, data, creator, signature):
    role = principal.MSPRole.ADMIN if policy == "Admins" else principal.MSPRole.MEMBER
    try:
        ident = local_msps.deserialize(creator)
    except MSPError as e:
        raise ACLError(f"Failed deserializing proposal creator during channelless check policy "
                       f"with policy [{policy}]: [{e}]")
    try:
        ident.satisfies_role(role)
    except MSPError as e:
        raise ACLError(f"Failed verifying that proposal's creator satisfies local MSP principal "
                       f"during channelless check policy with policy [{policy}]: [{e}]")
    try:
        ident.verify(data, signature)
    except crypto.SignatureError as e:
        raise ACLError(str(e))


def check_channel(cfg, policy, signed):
    try:
        cfg.evaluate(policy, cfg.identities(signed))
    except PolicyError as e:
        raise ACLError(f"Failed evaluating policy on signed data during check policy on channel "
                       f"[{cfg.name}] with policy [{policy}]: [{e}]")


def check(resource, local_msps, cfg, data, creator, signature):
    """Raise ACLError per the default ACL of `resource`."""
    policy = RESOURCES.get(resource)
    if policy is None:
        raise ACLError(f"Unmapped policy for {resource}")
    if not policy.startswith("/"):
        check_local(local_msps, policy, data, creator, signature)
    else:
        if cfg is None:
            raise ACLError(f"Invalid channel ID name during check policy on signed data. "
                           f"Name must be different from nil.")
        check_channel(cfg, policy, [(data, creator, signature)])
