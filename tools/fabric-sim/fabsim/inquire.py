"""Which principal combinations satisfy a policy (common/policies/inquire, discovery/endorsement).

`principal_sets(envelope)` lists every minimal-by-construction combination of principals that
satisfies a SignaturePolicyEnvelope, as `inquireableSignaturePolicy.SatisfiedBy` does: an
NOutOf gate takes every choice of n sub-rules and the product of their combinations. Channel
policy references are first converted to a signature policy like `ImplicitMetaPolicy.Convert`
(common/policies/implicitmeta.go): NOutOf(ANY=1 | ALL=n | MAJORITY=n/2+1) over the sub-groups'
converted policies. `merge` combines the sets of several policies (chaincode, collections,
chaincode-to-chaincode calls) like `inquire.Merge`.
"""
import itertools

from .pb import policies


class InquireError(Exception):
    pass


def _key(p):
    return (p.principal_classification, p.principal)


def principal_sets(env):
    """[[MSPPrincipal...]...] for a SignaturePolicyEnvelope; duplicates inside a set are kept."""
    def sets(rule):
        kind = rule.WhichOneof("Type")
        if kind == "signed_by":
            if rule.signed_by >= len(env.identities):
                return []
            return [[env.identities[rule.signed_by]]]
        if kind is None:
            return []
        out = []
        subs = [sets(r) for r in rule.n_out_of.rules]
        for chosen in itertools.combinations(subs, rule.n_out_of.n):
            for combo in itertools.product(*chosen):
                out.append([p for s in combo for p in s])
        return out
    res, seen = [], set()
    for s in sets(env.rule):
        k = tuple(sorted(_key(p) for p in s))
        if s and k not in seen:
            seen.add(k)
            res.append(s)
    return res


def convert(cfg, path):
    """A channel policy reference as a SignaturePolicyEnvelope (ImplicitMetaPolicy.Convert)."""
    group, pol = cfg._lookup(path)
    if pol is None:
        raise InquireError(f"policy {path} not found")
    return _convert(group, pol)


def _convert(group, pol):
    if pol.type == policies.Policy.SIGNATURE:
        return policies.SignaturePolicyEnvelope.FromString(pol.value)
    meta = policies.ImplicitMetaPolicy.FromString(pol.value)
    identities, rules = [], []
    subs = [g for g in group.groups.values() if meta.sub_policy in g.policies]
    for sg in subs:
        sub = _convert(sg, sg.policies[meta.sub_policy].policy)
        rules.append(_reindex(sub.rule, sub.identities, identities))
    n = {policies.ImplicitMetaPolicy.ANY: 1, policies.ImplicitMetaPolicy.ALL: len(subs),
         policies.ImplicitMetaPolicy.MAJORITY: len(subs) // 2 + 1}[meta.rule]
    return policies.SignaturePolicyEnvelope(
        version=0, identities=identities,
        rule=policies.SignaturePolicy(n_out_of=policies.SignaturePolicy.NOutOf(n=n, rules=rules)))


def _reindex(rule, own, identities):
    if rule.WhichOneof("Type") == "signed_by":
        p = own[rule.signed_by]
        for i, q in enumerate(identities):
            if _key(q) == _key(p):
                return policies.SignaturePolicy(signed_by=i)
        identities.append(p)
        return policies.SignaturePolicy(signed_by=len(identities) - 1)
    return policies.SignaturePolicy(n_out_of=policies.SignaturePolicy.NOutOf(
        n=rule.n_out_of.n, rules=[_reindex(r, own, identities) for r in rule.n_out_of.rules]))


def _counts(s):
    out = {}
    for p in s:
        out.setdefault(_key(p), [p, 0])[1] += 1
    return out


def merge(all_sets):
    """Product of the policies' sets; each merged set needs, per principal, the larger plurality."""
    if not all_sets:
        raise InquireError("no principal sets remained after filtering")
    merged = all_sets[0]
    for other in all_sets[1:]:
        nxt, seen = [], set()
        for a, b in itertools.product(merged, other):
            ca, cb = _counts(a), _counts(b)
            for k, (p, n) in cb.items():
                if k not in ca or ca[k][1] < n:
                    ca[k] = [p, n]
            s = [p for p, n in ca.values() for _ in range(n)]
            key = tuple(sorted(_key(p) for p in s))
            if key not in seen:
                seen.add(key)
                nxt.append(s)
        merged = nxt
    return merged
