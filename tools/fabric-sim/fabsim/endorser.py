"""protos.Endorser/ProcessProposal (core/endorser/endorser.go, msgvalidation.go)."""
import hashlib

from . import acl, chaincode, crypto, lcstate, sysccs
from .msp import MSPError
from .pb import common, presp, proposal
from .pb import chaincode as ccpb
from .simulator import TxSimulator

SYSCCS = {"_lifecycle", "qscc", "cscc"}


class EndorserError(Exception):
    """Returned to the client as a gRPC error (status UNKNOWN)."""


class Unpacked:
    pass


def unpack(sp):
    u = Unpacked()
    u.sp = sp
    try:
        u.prop = proposal.Proposal.FromString(sp.proposal_bytes)
        u.hdr = common.Header.FromString(u.prop.header)
        u.chdr = common.ChannelHeader.FromString(u.hdr.channel_header)
        u.shdr = common.SignatureHeader.FromString(u.hdr.signature_header)
    except Exception as e:  # noqa: BLE001
        raise EndorserError(f"error unmarshalling Proposal: {e}")
    try:
        ext = proposal.ChaincodeHeaderExtension.FromString(u.chdr.extension)
    except Exception as e:  # noqa: BLE001
        raise EndorserError(f"error unmarshalling ChaincodeHeaderExtension: {e}")
    if not ext.HasField("chaincode_id"):
        raise EndorserError("ChaincodeHeaderExtension.ChaincodeId is nil")
    if not ext.chaincode_id.name:
        raise EndorserError("ChaincodeHeaderExtension.ChaincodeId.Name is empty")
    u.cc = ext.chaincode_id.name
    try:
        u.cpp = proposal.ChaincodeProposalPayload.FromString(u.prop.payload)
        u.cis = ccpb.ChaincodeInvocationSpec.FromString(u.cpp.input)
    except Exception as e:  # noqa: BLE001
        raise EndorserError(f"error unmarshalling ChaincodeProposalPayload: {e}")
    u.input = u.cis.chaincode_spec.input
    u.channel = u.chdr.channel_id
    return u


def validate(u, msps):
    """ValidateProposal; errors are prefixed with 'error validating proposal: '."""
    def fail(m):
        raise EndorserError(f"error validating proposal: {m}")
    c, s = u.chdr, u.shdr
    if c.type not in (common.ENDORSER_TRANSACTION, common.CONFIG):
        fail(f"invalid header type {common.HeaderType.Name(c.type) if c.type in common.HeaderType.values() else c.type}")
    if c.epoch != 0:
        fail("epoch is non-zero")
    if not s.nonce:
        fail("nonce is empty")
    if not s.creator:
        fail("creator is empty")
    want = hashlib.sha256(s.nonce + s.creator).hexdigest()
    if c.tx_id != want:
        fail(f"incorrectly computed txid '{c.tx_id}' -- expected '{want}'")
    if not u.sp.proposal_bytes:
        fail("empty proposal bytes")
    if not u.sp.signature:
        fail("empty signature bytes")
    try:
        ident = msps.deserialize(s.creator)
    except MSPError:
        fail(f"access denied: channel [{u.channel}] creator org unknown, creator is malformed")
    try:
        ident.validate()
        ident.verify(u.sp.proposal_bytes, u.sp.signature)
    except (MSPError, crypto.SignatureError):
        fail(f"access denied: channel [{u.channel}] creator org [{ident.mspid}]")
    return ident


class Endorser:
    def __init__(self, peer):
        self.peer = peer

    def process(self, sp) -> "presp.ProposalResponse":
        p = self.peer
        u = unpack(sp)
        if u.channel and u.channel not in p.channels:
            return presp.ProposalResponse(response=presp.Response(
                status=500, message=f"channel '{u.channel}' not found"))
        cfg = p.channels.get(u.channel)
        validate(u, cfg.msps if cfg else p.local_msps)
        if u.channel:
            if u.chdr.tx_id in p.ledgers[u.channel].txids:
                raise EndorserError(f"duplicate transaction found [{u.chdr.tx_id}]. "
                                    f"Creator [{u.shdr.creator.hex()}]")
            if u.cc not in SYSCCS:
                try:
                    acl.check("peer/Propose", p.local_msps, cfg, sp.proposal_bytes, u.shdr.creator, sp.signature)
                except acl.ACLError as e:
                    raise EndorserError(str(e))
        sim = TxSimulator(p.ledgers[u.channel]) if u.channel else None
        u.cfg = cfg
        u.sim = sim
        if u.cc in SYSCCS:
            status, msg, payload, version = self._syscc(u)
        else:
            r = self._user(u)
            if isinstance(r, presp.ProposalResponse):
                return r
            status, msg, payload, version = r
        resp = presp.Response(status=status, message=msg, payload=payload)
        if status >= 500:
            return presp.ProposalResponse(response=resp, payload=self._prp(u, resp, version),
                                          interest=self._interest(u))
        if not u.channel or status >= 400:
            return presp.ProposalResponse(response=resp)
        prp = self._prp(u, resp, version)
        if sim.pwrites:
            # The transient store: committing peers that keep the collection take the values.
            p.network.transient[u.chdr.tx_id] = sim.private_writes()
        endorser = p.signer.serialized
        return presp.ProposalResponse(
            version=1, response=resp, payload=prp, interest=self._interest(u),
            endorsement=presp.Endorsement(endorser=endorser, signature=p.signer.sign(prp + endorser)))

    def _interest(self, u):
        """ProposalResponse.interest: what the simulation touched (endorser.go buildChaincodeInterest)."""
        if u.cc in SYSCCS or u.sim is None:
            return None
        i = presp.ChaincodeInterest()
        for name, coll, no_private_reads in u.sim.interest_calls(SYSCCS):
            call = i.chaincodes.add(name=name)
            if coll:
                call.collection_names.append(coll)
                call.no_private_reads = no_private_reads
        return i

    def _prp(self, u, resp, version):
        cpp = proposal.ChaincodeProposalPayload(input=u.cpp.input).SerializeToString()
        phash = hashlib.sha256(u.hdr.channel_header + u.hdr.signature_header + cpp).digest()
        act = proposal.ChaincodeAction(results=u.sim.results() if u.sim else b"", events=b"", response=resp,
                                       chaincode_id=ccpb.ChaincodeID(name=u.cc, version=version))
        return presp.ProposalResponsePayload(proposal_hash=phash, extension=act.SerializeToString()).SerializeToString()

    def _syscc(self, u):
        p = self.peer
        args = list(u.input.args)
        if u.cc != "_lifecycle":
            st, msg, pl = sysccs.invoke(p, u, args)
            return st, msg, pl, "syscc"
        if not args:
            return 500, "lifecycle scc must be invoked with arguments", b"", "syscc"
        if len(args) != 2:
            return 500, f"lifecycle scc operations require exactly two arguments but received {len(args)}", b"", "syscc"
        if u.cfg is not None and "V2_0" not in u.cfg.capabilities:
            return 500, (f"cannot use new lifecycle for channel '{u.channel}' as it does not have the "
                         "required capabilities enabled"), b"", "syscc"
        fn = args[0].decode(errors="replace")
        try:
            acl.check(f"_lifecycle/{fn}", p.local_msps, u.cfg, u.sp.proposal_bytes, u.shdr.creator, u.sp.signature)
        except acl.ACLError as e:
            return 500, f"Failed to authorize invocation due to failed ACL check: {e}", b"", "syscc"
        st, msg, pl = p.lifecycle.invoke(fn, args[1], u)
        return st, msg, pl, "syscc"

    def _user(self, u):
        p, sim, name, ch = self.peer, u.sim, u.cc, u.channel
        if not ch:
            return presp.ProposalResponse(response=presp.Response(status=500, message=(
                f"make sure the chaincode {name} has been successfully defined on channel  and try "
                "again: could not get channel config for channel ''")))

        def undefined(detail):
            return presp.ProposalResponse(response=presp.Response(status=500, message=(
                f"make sure the chaincode {name} has been successfully defined on channel {ch} "
                f"and try again: {detail}")))
        # Like Fabric's lifecycle cache: only the Sequence read lands in the tx's read set.
        seq = lcstate.current_sequence(sim, name)
        sim, real_sim = TxSimulator(p.ledgers[ch]), sim
        if seq == 0:
            return undefined(f"chaincode {name} not found")
        d = lcstate.committed(sim, name)
        if not lcstate.org_approved(sim, p.mspid, name, d):
            return undefined(f"chaincode definition for '{name}' at sequence {seq} on channel "
                             f"'{ch}' has not yet been approved by this org")
        pkg = lcstate.approved_package(sim, p.mspid, name, seq)
        if not pkg or not p.packages.has(pkg):
            return undefined(f"chaincode definition for '{name}' exists, but chaincode is not installed")

        sim = real_sim

        def sim_err(m):
            return presp.ProposalResponse(response=presp.Response(status=500, message=(
                f"error in simulation: failed to execute transaction {u.chdr.tx_id}: invalid invocation: {m}")))
        if u.input.is_init and not d.init_required:
            return sim_err(f"chaincode '{name}' does not require initialization but called as init")
        if d.init_required:
            done = sim.get_state(name, chaincode.INIT_KEY) == d.version.encode()
            if u.input.is_init and done:
                return sim_err(f"chaincode '{name}' is already initialized but called as init")
            if not u.input.is_init and not done:
                return sim_err(f"chaincode '{name}' has not been initialized for this version, must call as init first")
            if u.input.is_init:
                sim.put_state(name, chaincode.INIT_KEY, d.version.encode())
        ctx = chaincode.Context(collections=lcstate.collection_names(d),
                                invoke=lambda callee, args: self._call(u, sim, callee, args))
        st, msg, pl = chaincode.invoke(sim, name, list(u.input.args), ctx)
        return st, msg, pl, d.version

    def _call(self, u, sim, name, args):
        """A chaincode-to-chaincode call on the proposal's channel (core/chaincode/handler.go
        HandleInvokeChaincode): the callee must be defined, approved by this peer's org and
        installed here; it runs in the same simulator, so its reads and writes land in the
        transaction under its own namespace."""
        p, ch = self.peer, u.channel
        seq = lcstate.current_sequence(sim, name)
        defs = TxSimulator(p.ledgers[ch])
        d = lcstate.committed(defs, name) if seq else None
        pkg = lcstate.approved_package(defs, p.mspid, name, seq) if d else None
        if d is None or not lcstate.org_approved(defs, p.mspid, name, d) or not pkg or not p.packages.has(pkg):
            return 500, (f"make sure the chaincode {name} has been successfully defined on channel {ch} and try "
                         "again"), b""
        ctx = chaincode.Context(collections=lcstate.collection_names(d),
                                invoke=lambda callee, more: self._call(u, sim, callee, more))
        return chaincode.invoke(sim, name, list(args), ctx)
