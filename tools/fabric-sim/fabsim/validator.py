"""Committer-side validation of a block (core/common/validation, core/committer/txvalidator, vscc, MVCC)."""
import hashlib

from . import crypto, lcstate, txparse
from .msp import MSPError
from .pb import common, peerpolicy
from .pb import transaction as T
from .policy import PolicyError, eval_signature_policy, from_string
from .simulator import TxSimulator


def endorsement_identities(cfg, prp_bytes, endorsements):
    return cfg.identities([(prp_bytes + e.endorser, e.endorser, e.signature) for e in endorsements])


def policy_for(cfg, ledger, ns, coll=None):
    """Returns ('ref', path) | ('sig', envelope) | None (undefined chaincode)."""
    if ns == lcstate.NS:
        if coll:
            mspid = coll[len("_implicit_org_"):]
            if mspid not in cfg.app_orgs:
                return None
            if cfg.has_policy(cfg.org_endorsement_path(mspid)):
                return ("ref", cfg.org_endorsement_path(mspid))
            # no org Endorsement policy: any member of the org (deployedcc_infoprovider.go)
            return ("sig", from_string(f"OR('{mspid}.member')"))
        return ("ref", "/Channel/Application/LifecycleEndorsement")
    if coll:
        return collection_policy(ledger, ns, coll)
    d = lcstate.committed(TxSimulator(ledger), ns)
    if d is None:
        return None
    ap = peerpolicy.ApplicationPolicy.FromString(d.validation_parameter)
    if ap.WhichOneof("Type") == "signature_policy":
        return ("sig", ap.signature_policy)
    return ("ref", ap.channel_config_policy_reference)


def satisfied(cfg, pol, idents) -> bool:
    if pol is None:
        return False
    kind, p = pol
    try:
        if kind == "ref":
            cfg.evaluate(p, idents)
            return True
        return eval_signature_policy(p, idents)
    except PolicyError:
        return False


def collection_policy(ledger, ns, coll):
    """A chaincode collection's own endorsement policy, or None (the chaincode's then applies)."""
    d = lcstate.committed(TxSimulator(ledger), ns)
    for c in (d.collections_msg().config if d is not None and d.collections else []):
        s = c.static_collection_config
        if s.name == coll and s.HasField("endorsement_policy"):
            ep = s.endorsement_policy
            if ep.WhichOneof("Type") == "signature_policy":
                return ("sig", ep.signature_policy)
            if ep.WhichOneof("Type") == "channel_config_policy_reference":
                return ("ref", ep.channel_config_policy_reference)
    return None


def policies_to_check(cfg, ledger, cc_name, rws):
    """The (namespace, collection) policies a transaction must satisfy, as Fabric 2.5 picks them
    (no key-level policies here). Validated namespaces: the invoked chaincode's and every one the
    transaction writes (core/committer/txvalidator/v20/plugindispatcher/dispatcher.go). In each,
    public writes need the chaincode's policy; writes to a collection with its own endorsement
    policy need that one instead, other collection writes the chaincode's; a namespace where
    nothing was checked needs the chaincode's (core/common/validation/statebased/v20.go
    CheckCCEPIfNotChecked, CheckCCEPIfNoEPChecked). `_lifecycle`'s implicit collections use the
    org's Endorsement policy (policy_for)."""
    checked = {}
    if cc_name != lcstate.NS:
        checked[cc_name] = set()
    for ns in rws.ns_rwset:
        name = ns.namespace
        if txparse.kvrwset_of(ns).writes:
            checked.setdefault(name, set()).add(None)
        for c in ns.collection_hashed_rwset:
            if not txparse.hashed_of(c).hashed_writes:
                continue
            own = name == lcstate.NS or collection_policy(ledger, name, c.collection_name) is not None
            checked.setdefault(name, set()).add(c.collection_name if own else None)
    out = set()
    for name, policies in checked.items():
        for coll in policies or {None}:
            out.add((name, coll))
    return out


def endorsement_ok(cfg, ledger, cc_name, rws, idents) -> bool:
    return all(satisfied(cfg, policy_for(cfg, ledger, ns, coll), idents)
               for ns, coll in policies_to_check(cfg, ledger, cc_name, rws))


def _check_tx(cfg, ledger, env_bytes, seen):
    t = txparse.parse(env_bytes)
    if t is None:
        return T.BAD_PAYLOAD, None
    c, s = t.chdr, t.shdr
    if c.type != common.ENDORSER_TRANSACTION:
        return (T.VALID if c.type == common.CONFIG and ledger.height == 0 else T.UNKNOWN_TX_TYPE), None
    if c.epoch != 0 or not s.nonce or not s.creator:
        return T.BAD_COMMON_HEADER, None
    try:
        creator = cfg.msps.deserialize(s.creator)
        creator.validate()
        creator.verify(t.env.payload, t.env.signature)
    except (MSPError, crypto.SignatureError):
        return T.BAD_CREATOR_SIGNATURE, None
    if c.tx_id != hashlib.sha256(s.nonce + s.creator).hexdigest():
        return T.BAD_PROPOSAL_TXID, None
    if c.tx_id in ledger.txids or c.tx_id in seen:
        return T.DUPLICATE_TXID, None
    if t.tx is None or len(t.tx.actions) != 1 or t.rwset is None:
        return T.INVALID_ENDORSER_TRANSACTION, None
    cpp = t.cap.chaincode_proposal_payload
    if t.prp.proposal_hash != hashlib.sha256(t.payload.header.channel_header + t.tx.actions[0].header
                                             + cpp).digest():
        return T.INVALID_ENDORSER_TRANSACTION, None
    idents = endorsement_identities(cfg, t.cap.action.proposal_response_payload, t.cap.action.endorsements)
    if not endorsement_ok(cfg, ledger, t.cc_name, t.rwset, idents):
        return T.ENDORSEMENT_POLICY_FAILURE, None
    return T.VALID, t


def _mvcc_ok(ledger, rws, touched):
    def ver(v):
        return (v.block_num, v.tx_num) if v is not None else None
    for ns in rws.ns_rwset:
        kv = txparse.kvrwset_of(ns)
        for r in kv.reads:
            if (ns.namespace, r.key) in touched:
                return False
            cur = ledger.get(ns.namespace, r.key)
            want = ver(r.version) if r.HasField("version") else None
            if (cur[1] if cur else None) != want:
                return False
        for c in ns.collection_hashed_rwset:
            for r in txparse.hashed_of(c).hashed_reads:
                if (ns.namespace, c.collection_name, r.key_hash) in touched:
                    return False
                cur = ledger.hashed.get((ns.namespace, c.collection_name), {}).get(r.key_hash)
                want = ver(r.version) if r.HasField("version") else None
                if (cur[1] if cur else None) != want:
                    return False
    return True


def _touch(rws, touched):
    for ns in rws.ns_rwset:
        for w in txparse.kvrwset_of(ns).writes:
            touched.add((ns.namespace, w.key))
        for c in ns.collection_hashed_rwset:
            for w in txparse.hashed_of(c).hashed_writes:
                touched.add((ns.namespace, c.collection_name, w.key_hash))


def validate_block(cfg, ledger, block):
    """Return the list of TxValidationCodes for the block's transactions."""
    codes, seen, touched = [], set(), set()
    with ledger.cond:
        for env in block.data.data:
            code, t = _check_tx(cfg, ledger, env, seen)
            if code == T.VALID and t is not None:
                if not _mvcc_ok(ledger, t.rwset, touched):
                    code = T.MVCC_READ_CONFLICT
                else:
                    _touch(t.rwset, touched)
            txid = t.chdr.tx_id if t else ""
            if t is None:
                p = txparse.parse(env)
                txid = p.chdr.tx_id if p else ""
            if txid:
                seen.add(txid)
            codes.append(code)
    return codes


