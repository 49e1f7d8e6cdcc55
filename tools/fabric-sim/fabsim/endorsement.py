"""Endorsement descriptors: groups of peers and layouts (discovery/endorsement/endorsement.go).

`PeersForEndorsement`: the principal sets of the chaincodes' policies (plus the endorsement
policies of named collections, merged across chaincode-to-chaincode calls); one group `G<i>` per
distinct principal; a layout per principal set whose groups have enough alive channel peers
(after the collections' member filter); then groups keep only peers running every chaincode of
the interest at the defined sequence, and layouts they can no longer fill are dropped.
"""
from . import gossip, inquire
from .discovery import _Failed, satisfies
from fabric_protos.discovery import protocol_pb2 as disc


def _policies(cfg, call, meta):
    # discovery/support/chaincode PoliciesByChaincode: the chaincode's policy, then the endorsement
    # policy of each named collection that has one (core/chaincode/lifecycle/metadata_provider.go)
    _, pol, pkg = meta
    out = [pol]
    by_name = {c.static_collection_config.name: c.static_collection_config for c in (pkg.config if pkg else [])}
    for name in call.collection_names:
        s = by_name.get(name)
        if s is None or not s.HasField("endorsement_policy"):
            continue
        ep = s.endorsement_policy
        if ep.WhichOneof("Type") == "signature_policy":
            out.append(ep.signature_policy)
        else:
            out.append(inquire.convert(cfg, ep.channel_config_policy_reference))
    return out


def principal_sets(cfg, interest, metas):
    # endorsement.go computePrincipalSets
    pols = []
    for c in interest.chaincodes:
        ps = _policies(cfg, c, metas[c.name])
        if c.disregard_namespace_policy and len(ps) == 1:
            raise _Failed(f"requested to disregard chaincode {c.name}'s policy but key and collection "
                          "policies are missing")
        pols += ps[1:] if c.disregard_namespace_policy else ps
    sets = []
    for p in pols:
        s = inquire.principal_sets(p)
        if not s:
            raise _Failed("endorsement policy cannot be satisfied")
        sets.append(s)
    return inquire.merge(sets)


def descriptor(svc, channel, interest):
    cfg = svc.peer.channels[channel]
    metas = svc._metadata(channel, interest)
    allowed = svc._collection_filter(channel, interest, metas)
    members = [p for p in svc._alive(channel) if allowed(p)]
    sets = principal_sets(cfg, interest, metas)
    groups = {}
    for s in sets:
        for pr in s:
            groups.setdefault(inquire._key(pr), (f"G{len(groups)}", pr))
    sat = {g: [p for p in members if satisfies(cfg, p, pr)] for g, pr in groups.values()}
    layouts = []
    for s in sets:
        q = {}
        for pr in s:
            g = groups[inquire._key(pr)][0]
            q[g] = q.get(g, 0) + 1
        if all(len(sat[g]) >= n for g, n in q.items()):
            layouts.append(q)
    if not layouts:
        raise _Failed("no peer combination can satisfy the endorsement policy")
    used = {g for lay in layouts for g in lay}
    desc = disc.EndorsementDescriptor(chaincode=interest.chaincodes[0].name)
    for g in sorted(used):
        peers = [p for p in sat[g] if svc._runs(p, channel, metas)]
        if peers:
            desc.endorsers_by_groups[g].peers.extend(svc._peer_msg(p, channel) for p in peers)
    layouts = [lay for lay in layouts
               if all(len(desc.endorsers_by_groups[g].peers) >= n if g in desc.endorsers_by_groups else False
                      for g, n in lay.items())]
    if not layouts:
        raise _Failed("required chaincodes are not installed on sufficient peers")
    for lay in layouts:
        desc.layouts.append(disc.Layout(quantities_by_group=lay))
    return desc

