"""_lifecycle state layout (core/chaincode/lifecycle/serializer.go, lifecycle.go).

Public:  namespaces/metadata/<name>, namespaces/fields/<name>/{Sequence,EndorsementInfo,...}
Org:     (implicit collection _implicit_org_<MSPID>) namespaces/.../<name>#<seq>,
         chaincode-sources/metadata/<name>#<seq>, chaincode-sources/fields/<name>#<seq>/PackageID
"""
import hashlib
from dataclasses import dataclass

from .pb import collection, lcdb, lcdef, peerpolicy, principal

NS = "_lifecycle"
DEFAULT_POLICY = peerpolicy.ApplicationPolicy(
    channel_config_policy_reference="/Channel/Application/Endorsement").SerializeToString()


def implicit_collection(mspid):
    return f"_implicit_org_{mspid}"


@dataclass
class Definition:
    sequence: int = 0
    version: str = ""
    endorsement_plugin: str = ""
    validation_plugin: str = ""
    validation_parameter: bytes = b""
    collections: bytes = b""         # serialized CollectionConfigPackage
    init_required: bool = False

    @classmethod
    def from_args(cls, a):
        return cls(a.sequence, a.version, a.endorsement_plugin, a.validation_plugin,
                   a.validation_parameter, a.collections.SerializeToString(), a.init_required)

    def with_defaults(self):
        return Definition(self.sequence, self.version, self.endorsement_plugin or "escc",
                          self.validation_plugin or "vscc",
                          self.validation_parameter or DEFAULT_POLICY, self.collections,
                          self.init_required)

    def parameters_mismatch(self, other):
        """First difference in ChaincodeParameters.Equal order, or None."""
        if self.version != other.version:
            return f"expected Version '{self.version}' does not match passed Version '{other.version}'"
        if self.endorsement_plugin != other.endorsement_plugin:
            return (f"expected EndorsementPlugin '{self.endorsement_plugin}' does not match passed "
                    f"EndorsementPlugin '{other.endorsement_plugin}'")
        if self.init_required != other.init_required:
            t = lambda b: "true" if b else "false"  # noqa: E731
            return (f"expected InitRequired '{t(self.init_required)}' does not match passed "
                    f"InitRequired '{t(other.init_required)}'")
        if self.validation_plugin != other.validation_plugin:
            return (f"expected ValidationPlugin '{self.validation_plugin}' does not match passed "
                    f"ValidationPlugin '{other.validation_plugin}'")
        if self.validation_parameter != other.validation_parameter:
            return (f"expected ValidationParameter '{self.validation_parameter.hex()}' does not match "
                    f"passed ValidationParameter '{other.validation_parameter.hex()}'")
        if self.collections != other.collections:
            return "Collections do not match"
        return None

    def collections_msg(self):
        return collection.CollectionConfigPackage.FromString(self.collections)


def _sd_bytes(b):
    return lcdb.StateData(Bytes=b).SerializeToString()


def serialize_parameters(key: str, d: Definition, with_sequence=False):
    fields = {
        "EndorsementInfo": _sd_bytes(lcdef.ChaincodeEndorsementInfo(
            version=d.version, init_required=d.init_required,
            endorsement_plugin=d.endorsement_plugin).SerializeToString()),
        "ValidationInfo": _sd_bytes(lcdef.ChaincodeValidationInfo(
            validation_plugin=d.validation_plugin,
            validation_parameter=d.validation_parameter).SerializeToString()),
        "Collections": _sd_bytes(d.collections),
    }
    dtype = "ChaincodeParameters"
    if with_sequence:
        fields["Sequence"] = lcdb.StateData(Int64=d.sequence).SerializeToString()
        dtype = "ChaincodeDefinition"
    out = {f"namespaces/metadata/{key}": lcdb.StateMetadata(
        datatype=dtype, fields=sorted(fields)).SerializeToString()}
    for f, v in fields.items():
        out[f"namespaces/fields/{key}/{f}"] = v
    return out


def serialize_source(key: str, package_id: str):
    return {f"chaincode-sources/metadata/{key}": lcdb.StateMetadata(
                datatype="ChaincodeLocalPackage", fields=["PackageID"]).SerializeToString(),
            f"chaincode-sources/fields/{key}/PackageID": lcdb.StateData(String=package_id).SerializeToString()}


def _deserialize(get, key):
    """get(k)->bytes|None. Returns Definition (sequence unset unless present) or None."""
    if get(f"namespaces/metadata/{key}") is None:
        return None

    def sd(f):
        v = get(f"namespaces/fields/{key}/{f}")
        return lcdb.StateData.FromString(v) if v is not None else lcdb.StateData()
    ei = lcdef.ChaincodeEndorsementInfo.FromString(sd("EndorsementInfo").Bytes)
    vi = lcdef.ChaincodeValidationInfo.FromString(sd("ValidationInfo").Bytes)
    return Definition(sd("Sequence").Int64, ei.version, ei.endorsement_plugin, vi.validation_plugin,
                      vi.validation_parameter, sd("Collections").Bytes, ei.init_required)


def current_sequence(sim, name) -> int:
    v = sim.get_state(NS, f"namespaces/fields/{name}/Sequence")
    return lcdb.StateData.FromString(v).Int64 if v else 0


def committed(sim, name):
    return _deserialize(lambda k: sim.get_state(NS, k), name)


def committed_names(ledger):
    out = []
    for k, (v, _) in ledger.range(NS, "namespaces/metadata/", "namespaces/metadata0"):
        if lcdb.StateMetadata.FromString(v).datatype == "ChaincodeDefinition":
            out.append(k[len("namespaces/metadata/"):])
    return out


def approved(sim, mspid, name, seq):
    """This org's own approval (needs the private data: only on the org's peers)."""
    coll = implicit_collection(mspid)
    return _deserialize(lambda k: sim.get_private(NS, coll, k), f"{name}#{seq}")


def approved_package(sim, mspid, name, seq):
    coll = implicit_collection(mspid)
    v = sim.get_private(NS, coll, f"chaincode-sources/fields/{name}#{seq}/PackageID")
    if sim.get_private(NS, coll, f"chaincode-sources/metadata/{name}#{seq}") is None:
        return None
    return lcdb.StateData.FromString(v).String if v else ""


def org_approved(sim, mspid, name, d: Definition) -> bool:
    """Compare hashes of the org's private state with the proposed parameters (QueryOrgApprovals)."""
    coll = implicit_collection(mspid)
    for k, v in serialize_parameters(f"{name}#{d.sequence}", d).items():
        if sim.get_private_hash(NS, coll, k) != hashlib.sha256(v).digest():
            return False
    return True


def collection_names(d):
    """The collections a committed definition configures; None when it has no collection config."""
    pkg = d.collections_msg() if d.collections else None
    if pkg is None or not pkg.config:
        return None
    return {c.static_collection_config.name for c in pkg.config}


def role_msp_ids(envelope):
    """The MSP IDs of a signature policy's MSPRole principals."""
    out = set()
    for p in envelope.identities:
        if p.principal_classification == principal.MSPPrincipal.ROLE:
            out.add(principal.MSPRole.FromString(p.principal).msp_identifier)
    return out
