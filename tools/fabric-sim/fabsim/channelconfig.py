"""Channel configuration (common.Config) building, the genesis block, and policy lookup."""
import os
import time

from google.protobuf.timestamp_pb2 import Timestamp

from . import crypto
from .msp import MSP, MSPError, MSPManager
from .pb import commoncfg, common, configtx, orderercfg, peercfg, policies
from .policy import PolicyError, eval_signature_policy, from_string

IMPLICIT_RULES = {"ANY": policies.ImplicitMetaPolicy.ANY, "ALL": policies.ImplicitMetaPolicy.ALL,
                  "MAJORITY": policies.ImplicitMetaPolicy.MAJORITY}


def _value(msg, mod="Admins"):
    return configtx.ConfigValue(value=msg.SerializeToString(), mod_policy=mod)


def _sig_policy(dsl):
    return configtx.ConfigPolicy(mod_policy="Admins", policy=policies.Policy(
        type=policies.Policy.SIGNATURE, value=from_string(dsl).SerializeToString()))


def _meta_policy(rule, sub):
    return configtx.ConfigPolicy(mod_policy="Admins", policy=policies.Policy(
        type=policies.Policy.IMPLICIT_META,
        value=policies.ImplicitMetaPolicy(sub_policy=sub, rule=IMPLICIT_RULES[rule]).SerializeToString()))


def _caps():
    return _value(commoncfg.Capabilities(capabilities={"V2_0": commoncfg.Capability()}))


def _org_group(org, orderer=False, anchor=None):
    m = MSP(org.mspid, [org.ca_cert_pem], [org.tlsca_cert_pem])
    g = configtx.ConfigGroup(mod_policy="Admins")
    g.values["MSP"].CopyFrom(_value(m.fabric_config()))
    i = org.mspid
    if orderer:
        g.policies["Readers"].CopyFrom(_sig_policy(f"OR('{i}.member')"))
        g.policies["Writers"].CopyFrom(_sig_policy(f"OR('{i}.member')"))
        g.policies["Admins"].CopyFrom(_sig_policy(f"OR('{i}.admin')"))
        g.values["Endpoints"].CopyFrom(_value(commoncfg.OrdererAddresses(addresses=anchor or [])))
    else:
        g.policies["Readers"].CopyFrom(_sig_policy(f"OR('{i}.admin', '{i}.peer', '{i}.client')"))
        g.policies["Writers"].CopyFrom(_sig_policy(f"OR('{i}.admin', '{i}.client')"))
        g.policies["Admins"].CopyFrom(_sig_policy(f"OR('{i}.admin')"))
        g.policies["Endorsement"].CopyFrom(_sig_policy(f"OR('{i}.peer')"))
        if anchor:
            host, port = anchor
            g.values["AnchorPeers"].CopyFrom(_value(peercfg.AnchorPeers(
                anchor_peers=[peercfg.AnchorPeer(host=host, port=port)])))
    return g


def build_config(peer_orgs, orderer_org, orderer_address, peer_addresses) -> "configtx.Config":
    """Like configtxgen's TwoOrgsApplicationGenesis profile (sampleconfig/configtx.yaml)."""
    app = configtx.ConfigGroup(mod_policy="Admins")
    for org in peer_orgs:
        name = org.mspid[:-3] if org.mspid.endswith("MSP") else org.mspid
        app.groups[name].CopyFrom(_org_group(org, anchor=peer_addresses.get(org.mspid)))
    app.values["Capabilities"].CopyFrom(_caps())
    for n, r, s in (("Readers", "ANY", "Readers"), ("Writers", "ANY", "Writers"),
                    ("Admins", "MAJORITY", "Admins"),
                    ("LifecycleEndorsement", "MAJORITY", "Endorsement"),
                    ("Endorsement", "MAJORITY", "Endorsement")):
        app.policies[n].CopyFrom(_meta_policy(r, s))
    ordg = configtx.ConfigGroup(mod_policy="Admins")
    ordg.groups["OrdererOrg"].CopyFrom(_org_group(orderer_org, orderer=True, anchor=[orderer_address]))
    ordg.values["ConsensusType"].CopyFrom(_value(orderercfg.ConsensusType(type="etcdraft")))
    ordg.values["BatchSize"].CopyFrom(_value(orderercfg.BatchSize(
        max_message_count=10, absolute_max_bytes=10 * 1024 * 1024, preferred_max_bytes=2 * 1024 * 1024)))
    ordg.values["BatchTimeout"].CopyFrom(_value(orderercfg.BatchTimeout(timeout="200ms")))
    ordg.values["ChannelRestrictions"].CopyFrom(_value(orderercfg.ChannelRestrictions()))
    ordg.values["Capabilities"].CopyFrom(_caps())
    for n, r, s in (("Readers", "ANY", "Readers"), ("Writers", "ANY", "Writers"),
                    ("Admins", "MAJORITY", "Admins"), ("BlockValidation", "ANY", "Writers")):
        ordg.policies[n].CopyFrom(_meta_policy(r, s))
    ch = configtx.ConfigGroup(mod_policy="Admins")
    ch.groups["Application"].CopyFrom(app)
    ch.groups["Orderer"].CopyFrom(ordg)
    ch.values["HashingAlgorithm"].CopyFrom(_value(commoncfg.HashingAlgorithm(name="SHA256")))
    ch.values["BlockDataHashingStructure"].CopyFrom(
        _value(commoncfg.BlockDataHashingStructure(width=0xFFFFFFFF)))
    ch.values["OrdererAddresses"].CopyFrom(_value(commoncfg.OrdererAddresses(addresses=[orderer_address])))
    ch.values["Capabilities"].CopyFrom(_caps())
    for n, r, s in (("Readers", "ANY", "Readers"), ("Writers", "ANY", "Writers"),
                    ("Admins", "MAJORITY", "Admins")):
        ch.policies[n].CopyFrom(_meta_policy(r, s))
    return configtx.Config(sequence=0, channel_group=ch)


def now_ts(nanos=True):
    t = time.time()
    return Timestamp(seconds=int(t), nanos=int((t % 1) * 1e9) if nanos else 0)


def genesis_envelope(channel: str, config) -> bytes:
    nonce = os.urandom(24)
    chdr = common.ChannelHeader(type=common.CONFIG, channel_id=channel, timestamp=now_ts(),
                                tx_id=crypto.sha256(nonce).hex())
    shdr = common.SignatureHeader(nonce=nonce)
    payload = common.Payload(
        header=common.Header(channel_header=chdr.SerializeToString(),
                             signature_header=shdr.SerializeToString()),
        data=configtx.ConfigEnvelope(config=config).SerializeToString())
    return common.Envelope(payload=payload.SerializeToString()).SerializeToString()


class ChannelConfig:
    """Parsed view of a channel's config: MSPs, application orgs, policies by path."""

    def __init__(self, name: str, config):
        self.name = name
        self.config = config
        root = config.channel_group
        msps = []
        self.app_orgs = {}          # mspid -> org group name
        for gname in ("Application", "Orderer"):
            for oname, og in root.groups[gname].groups.items():
                m = MSP.from_config(_unpack_msp(og))
                msps.append(m)
                if gname == "Application":
                    self.app_orgs[m.name] = oname
        self.msps = MSPManager(msps)
        self.capabilities = set(commoncfg.Capabilities.FromString(
            root.groups["Application"].values["Capabilities"].value).capabilities)

    @classmethod
    def from_block(cls, name, block):
        env = common.Envelope.FromString(block.data.data[0])
        payload = common.Payload.FromString(env.payload)
        return cls(name, configtx.ConfigEnvelope.FromString(payload.data).config)

    def _lookup(self, path: str):
        parts = [p for p in path.split("/") if p]
        if not parts or parts[0] != "Channel":
            return None, None
        g = self.config.channel_group
        for p in parts[1:-1]:
            if p not in g.groups:
                return None, None
            g = g.groups[p]
        name = parts[-1]
        return g, (g.policies[name].policy if name in g.policies else None)

    def has_policy(self, path: str) -> bool:
        return self._lookup(path)[1] is not None

    def identities(self, signed):
        """signed: [(data, identity_bytes, signature)] -> verified, deduplicated identities."""
        out, seen = [], set()
        for data, ident, sig in signed:
            if ident in seen:
                continue
            try:
                i = self.msps.deserialize(ident)
                i.validate()
                i.verify(data, sig)
            except (MSPError, crypto.SignatureError):
                continue
            seen.add(ident)
            out.append(i)
        return out

    def evaluate(self, path: str, idents) -> None:
        """Raise PolicyError unless the verified identities satisfy the policy at `path`."""
        g, pol = self._lookup(path)
        if pol is None:
            raise PolicyError(f"policy {path} not found")
        self._eval(g, pol, idents)

    def _eval(self, group, pol, idents):
        if pol.type == policies.Policy.SIGNATURE:
            env = policies.SignaturePolicyEnvelope.FromString(pol.value)
            if not eval_signature_policy(env, idents):
                raise PolicyError("signature set did not satisfy policy")
            return
        meta = policies.ImplicitMetaPolicy.FromString(pol.value)
        subs = list(group.groups.values())
        ok = 0
        for sg in subs:
            if meta.sub_policy in sg.policies:
                try:
                    self._eval(sg, sg.policies[meta.sub_policy].policy, idents)
                    ok += 1
                except PolicyError:
                    pass
        need = {policies.ImplicitMetaPolicy.ANY: 1, policies.ImplicitMetaPolicy.ALL: len(subs),
                policies.ImplicitMetaPolicy.MAJORITY: len(subs) // 2 + 1}[meta.rule]
        if ok < need:
            raise PolicyError(f"implicit policy evaluation failed - {ok} sub-policies were "
                              f"satisfied, but this policy requires {need} of the "
                              f"'{meta.sub_policy}' sub-policies to be satisfied")

    def org_endorsement_path(self, mspid):
        return f"/Channel/Application/{self.app_orgs[mspid]}/Endorsement"


def _unpack_msp(group):
    from .pb import mspcfg
    return mspcfg.MSPConfig.FromString(group.values["MSP"].value)
