"""The Discovery service (`/discovery.Discovery/Discover`), after Fabric's discovery/service.go.

Whole-call failures (validateStructure) raise DiscoveryError: a plain Go error, so the client
sees gRPC UNKNOWN with the text. Per-query failures are `QueryResult{error{content}}` with
Fabric's words; the reasons that Fabric only logs (no metadata, no peer combination, ...) reach
the client as `failed constructing descriptor for <interest>`.
"""
from . import acl, gossip, inquire
from .msp import MSPError
from .policy import _principal_ok
from fabric_protos.discovery import protocol_pb2 as disc

ACCESS_DENIED = "access denied"


class DiscoveryError(Exception):
    pass


class _Failed(Exception):
    """A reason Fabric logs; the query result says only `failed constructing descriptor for ...`."""


def go_text(interest) -> str:
    """The interest as golang/protobuf's compact text (what `%v` prints in Fabric's message)."""
    out = ""
    for c in interest.chaincodes:
        out += f'chaincodes:<name:"{c.name}" '
        out += "".join(f'collection_names:"{n}" ' for n in c.collection_names)
        out += "no_private_reads:true " if c.no_private_reads else ""
        out += "no_public_writes:true " if c.no_public_writes else ""
        out += "disregard_namespace_policy:true " if c.disregard_namespace_policy else ""
        out += "> "
    return out


def _error(text):
    return disc.QueryResult(error=disc.Error(content=text))


class Discovery:
    def __init__(self, peer, network):
        self.peer, self.net = peer, network

    # ------------------------------------------------------------ request
    def discover(self, signed, cert_hash):
        """signed: SignedRequest; cert_hash: SHA-256 of the client's TLS cert on this call, or None."""
        req = self._validate(signed, cert_hash)
        ident = req.authentication.client_identity
        return disc.Response(results=[self._process(q, signed, ident) for q in req.queries])

    def _validate(self, signed, cert_hash):
        # discovery/service.go validateStructure
        try:
            req = disc.Request.FromString(signed.payload)
        except Exception as e:  # noqa: BLE001
            raise DiscoveryError(f"failed parsing request: {e}")
        if not req.HasField("authentication"):
            raise DiscoveryError("access denied, no authentication info in request")
        if not req.authentication.client_identity:
            raise DiscoveryError("access denied, client identity wasn't supplied")
        if self.net.tls == "plaintext":
            return req
        if not cert_hash:
            raise DiscoveryError("client didn't send a TLS certificate")
        if cert_hash != req.authentication.client_tls_cert_hash:
            raise DiscoveryError("client claimed TLS hash doesn't match computed TLS hash from gRPC stream")
        return req

    def _process(self, q, signed, ident):
        # discovery/service.go processQuery + discovery/support/acl/support.go EligibleForService
        if q.channel and q.channel not in self.peer.channels:
            return _error(ACCESS_DENIED)
        try:
            if q.channel:
                acl.check_channel(self.peer.channels[q.channel], acl.READERS,
                                  [(signed.payload, ident, signed.signature)])
            else:
                acl.check_local(self.peer.local_msps, "Admins", signed.payload, ident, signed.signature)
        except acl.ACLError:
            return _error(ACCESS_DENIED)
        kind = q.WhichOneof("query")
        if not q.channel:
            return self._local_peers() if kind == "local_peers" else _error("unknown or missing request type")
        handler = {"config_query": self._config, "peer_query": self._members,
                   "cc_query": self._chaincodes}.get(kind)
        return handler(q) if handler else _error("unknown or missing request type")

    # ------------------------------------------------------------ peers
    def _alive(self, channel=None):
        return [p for p in self.net.peers if p.running and (channel is None or channel in p.ledgers)]

    def _peer_msg(self, p, channel=None):
        m = disc.Peer(identity=p.signer.serialized, membership_info=gossip.alive_envelope(p))
        if channel:
            m.state_info.CopyFrom(gossip.state_info_envelope(p, channel))
        return m

    def _by_org(self, peers, channel=None):
        # every org with a known peer identity has an entry, even when none of its peers is alive
        res = disc.PeerMembershipResult()
        for p in self.net.peers:
            res.peers_by_org[p.mspid].SetInParent()
        for p in peers:
            res.peers_by_org[p.mspid].peers.append(self._peer_msg(p, channel))
        return disc.QueryResult(members=res)

    def _local_peers(self):
        return self._by_org(self._alive())

    def _members(self, q):
        # discovery/service.go channelMembershipResponse; a filter keeps peers running its chaincodes
        ch, interest = q.channel, q.peer_query.filter
        peers = self._alive(ch)
        if interest.chaincodes:
            try:
                metas = self._metadata(ch, interest)
                allowed = self._collection_filter(ch, interest, metas)
            except _Failed as e:
                return _error(str(e))
            peers = [p for p in peers if allowed(p) and self._runs(p, ch, metas)]
        return self._by_org(peers, ch)

    def _runs(self, p, ch, metas):
        have = set(gossip.advertised_chaincodes(p, ch))
        return all((name, m[0]) in have for name, m in metas.items())

    # ------------------------------------------------------------ config
    def _config(self, q):
        # discovery/support/config/support.go Config: MSPs of all orgs, orderer endpoints by org
        from .pb import commoncfg, mspcfg
        root = self.peer.channels[q.channel].config.channel_group
        res = disc.ConfigResult()
        for gname in ("Orderer", "Application"):
            for og in root.groups[gname].groups.values():
                f = mspcfg.FabricMSPConfig.FromString(mspcfg.MSPConfig.FromString(og.values["MSP"].value).config)
                res.msps[f.name].CopyFrom(f)
        glob = commoncfg.OrdererAddresses.FromString(root.values["OrdererAddresses"].value).addresses \
            if "OrdererAddresses" in root.values else []
        per_org = {}
        for og in root.groups["Orderer"].groups.values():
            f = mspcfg.FabricMSPConfig.FromString(mspcfg.MSPConfig.FromString(og.values["MSP"].value).config)
            per_org[f.name] = list(commoncfg.OrdererAddresses.FromString(og.values["Endpoints"].value).addresses) \
                if "Endpoints" in og.values else []
        use_org = any(per_org.values())
        for mspid, addrs in per_org.items():
            eps = res.orderers[mspid]
            for a in (addrs if use_org else glob):
                host, _, port = a.rpartition(":")
                if port.isdigit():
                    eps.endpoint.append(disc.Endpoint(host=host, port=int(port)))
        return disc.QueryResult(config_result=res)

    # ------------------------------------------------------------ chaincodes
    def _chaincodes(self, q):
        # discovery/service.go chaincodeQuery + validateCCQuery
        interests = q.cc_query.interests
        if not interests:
            return _error("chaincode query must have at least one chaincode interest")
        for it in interests:
            if not it.chaincodes:
                return _error("chaincode interest must contain at least one chaincode")
            if any(not c.name for c in it.chaincodes):
                return _error("chaincode name in interest cannot be empty")
        from .endorsement import descriptor
        res = disc.ChaincodeQueryResult()
        for it in interests:
            try:
                res.content.append(descriptor(self, q.channel, it))
            except (_Failed, inquire.InquireError):
                return _error(f"failed constructing descriptor for {go_text(it)}")
        return disc.QueryResult(cc_query_res=res)

    def _metadata(self, ch, interest):
        cfg = self.peer.channels[ch]
        metas = {}
        for c in interest.chaincodes:
            m = gossip.metadata(cfg, self.peer, ch, c.name)
            if m is None:
                raise _Failed(f"No metadata was found for chaincode {c.name} in channel {ch}")
            metas[c.name] = m
        return metas

    def _collection_filter(self, ch, interest, metas):
        # discovery/endorsement/collection.go: a peer must satisfy some member-policy principal of
        # every collection named in the interest (unless the call has no private reads)
        cfg = self.peer.channels[ch]
        sets = []
        for c in interest.chaincodes:
            if not c.collection_names or c.no_private_reads:
                continue
            pkg = metas[c.name][2]
            by_name = {}
            for cc in (pkg.config if pkg else []):
                s = cc.static_collection_config
                by_name[s.name] = list(s.member_orgs_policy.signature_policy.identities)
            for name in c.collection_names:
                if name not in by_name:
                    raise _Failed(f"collection {name} doesn't exist in collection config for chaincode {c.name}")
                sets.append(by_name[name])
        return lambda p: all(any(satisfies(cfg, p, pr) for pr in s) for s in sets)


def satisfies(cfg, peer, principal) -> bool:
    try:
        return _principal_ok(principal, cfg.msps.deserialize(peer.signer.serialized))
    except MSPError:
        return False
