"""Offline history: `generate-history` writes a channel ledger of signed, endorsed
`_lifecycle` approvals as if they had been submitted and ordered one after another.

Every transaction takes the path a live one takes, minus the network: the org's admin signs a
proposal; a peer of that org runs the simulator's own `Endorser` (creator checks, ACL,
`_lifecycle` rules) on the world state as it is after the earlier transactions; the admin signs
the envelope; the `Orderer` checks it (`/Channel/Writers`) and cuts, signs and appends the block;
every simulated peer validates and commits it (private data to the approving org's peers). A
following `up` replays the ledgers like any other persisted state.

Orgs whose peers are not simulated (`--peer-orgs`) still endorse their own approvals: with the
identity of their peer0, on a world state that holds every org's implicit collection (each org
reads only its own, as its real peers would).
"""
import hashlib
import json
import os
import shutil
import sys
import tempfile
import time

from .blocks import tx_id_of
from .channelconfig import now_ts
from .endorser import Endorser
from .ledger import Ledger
from .network import Network
from .cryptogen import load_identity
from .pb import chaincode, common, lifecycle, peerpolicy, proposal, transaction
from .peer import Peer
from .policy import from_string
from .signer import Signer
from . import validator

APPROVE = "ApproveChaincodeDefinitionForMyOrg"


class HistoryError(Exception):
    """The directory cannot take a generated history (running simulator, non-empty channel...)."""


class _WorldState(Ledger):
    """World state of the whole channel (every implicit collection), kept in memory only."""

    def append(self, block, pvt=None):
        with self.cond:
            if block.header.number == self.height:
                self._apply(block, pvt or {})


def plan(orgs, definitions, version="1.0"):
    """The approvals to write: every org approves every definition (`bench-cc-NNN`, sequence 1),
    most with the common parameters; a deterministic few approve another version or another
    endorsement policy. Yields (name, mspid, version, policy DSL or None, package ID)."""
    for d in range(definitions):
        name = f"bench-cc-{d + 1:03d}"
        for i in range(orgs):
            msp = f"Org{i + 1}MSP"
            k = d * orgs + i
            ver, pol = version, None
            if k % 17 == 5:
                ver = "1.1"
            elif k % 13 == 7:
                pol = f"OR('{msp}.peer')"
            pkg = f"{name}_1:{hashlib.sha256(f'{name}/{msp}'.encode()).hexdigest()}"
            yield name, msp, ver, pol, pkg


def _approve_args(name, version, policy, package_id):
    a = lifecycle.ApproveChaincodeDefinitionForMyOrgArgs(sequence=1, name=name, version=version)
    if policy:
        a.validation_parameter = peerpolicy.ApplicationPolicy(
            signature_policy=from_string(policy)).SerializeToString()
    a.source.local_package.package_id = package_id
    return a


def _signed_proposal(signer, channel, fn, args):
    """(tx id, header, invocation spec bytes, SignedProposal) as a client SDK builds them."""
    nonce = os.urandom(24)
    tx_id = hashlib.sha256(nonce + signer.serialized).hexdigest()
    ext = proposal.ChaincodeHeaderExtension(chaincode_id=chaincode.ChaincodeID(name="_lifecycle"))
    header = common.Header(
        channel_header=common.ChannelHeader(type=common.ENDORSER_TRANSACTION, timestamp=now_ts(),
                                            channel_id=channel, tx_id=tx_id,
                                            extension=ext.SerializeToString()).SerializeToString(),
        signature_header=common.SignatureHeader(creator=signer.serialized, nonce=nonce).SerializeToString())
    cis = chaincode.ChaincodeInvocationSpec(chaincode_spec=chaincode.ChaincodeSpec(
        type=chaincode.ChaincodeSpec.GOLANG, chaincode_id=chaincode.ChaincodeID(name="_lifecycle"),
        input=chaincode.ChaincodeInput(args=[fn.encode(), args.SerializeToString()]))).SerializeToString()
    body = proposal.Proposal(header=header.SerializeToString(),
                             payload=proposal.ChaincodeProposalPayload(input=cis).SerializeToString())
    raw = body.SerializeToString()
    return tx_id, header, cis, proposal.SignedProposal(proposal_bytes=raw, signature=signer.sign(raw))


def _envelope(signer, header, cis, response):
    cap = transaction.ChaincodeActionPayload(
        chaincode_proposal_payload=proposal.ChaincodeProposalPayload(input=cis).SerializeToString(),
        action=transaction.ChaincodeEndorsedAction(proposal_response_payload=response.payload,
                                                   endorsements=[response.endorsement]))
    tx = transaction.Transaction(actions=[transaction.TransactionAction(
        header=header.signature_header, payload=cap.SerializeToString())])
    payload = common.Payload(header=header, data=tx.SerializeToString()).SerializeToString()
    return common.Envelope(payload=payload, signature=signer.sign(payload))


class HistoryWriter:
    """Endorses, orders and commits approvals on a not-running network directory."""

    def __init__(self, directory, n_orgs, peers_per_org=1, peer_orgs=None, channel="mychannel"):
        pidfile = os.path.join(os.path.abspath(directory), "sim.pid")
        if os.path.exists(pidfile):
            raise HistoryError(f"a simulator may be running on {directory} ({pidfile} exists): stop it first")
        self.net = Network(directory, n_orgs, peers_per_org, "tls", [channel], 0, peer_orgs=peer_orgs)
        self.channel = channel
        led = self.net.orderer.ledgers[channel]
        if led.height != 1:
            raise HistoryError(f"channel {channel} already has {led.height} blocks: "
                               "generate-history needs a channel holding only its genesis block")
        self.tmp = tempfile.mkdtemp(prefix="fabsim-history-")
        self.cfg = self.net.orderer.channels[channel]
        self.state = _WorldState(os.path.join(self.tmp, "state"), pvt_member=lambda coll: True)
        self.state.append(led.block(0))
        self.endorsers, self.admins = {}, {}
        for org in self.net.orgs:
            p = Peer(org, org.nodes[0], os.path.join(self.tmp, "peers"), self.net)
            p.ledgers[channel], p.channels[channel] = self.state, self.cfg
            self.endorsers[org.mspid] = Endorser(p)
            cert, key = load_identity(org.admin_msp)
            self.admins[org.mspid] = Signer(org.mspid, cert, key)

    def close(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def endorse_approval(self, mspid, name, version, policy, package_id):
        """The admin-signed envelope of one approval, endorsed by the org's own peer."""
        admin = self.admins[mspid]
        _, header, cis, sp = _signed_proposal(admin, self.channel, APPROVE,
                                              _approve_args(name, version, policy, package_id))
        r = self.endorsers[mspid].process(sp)
        if r.response.status != 200:
            raise HistoryError(f"{mspid} could not approve {name}: {r.response.message}")
        return _envelope(admin, header, cis, r)

    def order(self, envelopes):
        """Broadcast the envelopes and cut them into one block, committed by every peer."""
        o = self.net.orderer
        for env in envelopes:
            status, info = o.broadcast(env)
            if status != common.SUCCESS:
                raise HistoryError(f"orderer refused a transaction: {common.Status.Name(status)} {info}")
        with o.lock:
            batch, o.pending[self.channel] = o.pending[self.channel], []
        o._cut(self.channel, [e for _, e in batch])
        block = o.ledgers[self.channel].block(o.ledgers[self.channel].height - 1)
        codes = validator.validate_block(self.cfg, self.state, block)
        b = common.Block()
        b.CopyFrom(block)
        b.metadata.metadata[common.TRANSACTIONS_FILTER] = bytes(codes)
        pvt = {}
        for i, env in enumerate(block.data.data):
            writes = self.net.transient.pop(tx_id_of(env), None)
            if writes and codes[i] == 0:
                pvt[i] = writes
        self.state.append(b, pvt)
        return block.header.number, codes


def generate(directory, n_orgs, definitions, peers_per_org=1, peer_orgs=None, txs_per_block=1,
             channel="mychannel", progress=None):
    """Writes the history of `plan(n_orgs, definitions)`; returns the summary (also saved as
    `<dir>/history.json`)."""
    w = HistoryWriter(directory, n_orgs, peers_per_org, peer_orgs, channel)
    started = time.monotonic()
    approvals, invalid, batch, meta = 0, 0, [], []
    try:
        for name, msp, version, policy, package_id in plan(n_orgs, definitions):
            batch.append(w.endorse_approval(msp, name, version, policy, package_id))
            meta.append((name, msp, version, policy))
            if len(batch) >= txs_per_block:
                _, codes = w.order(batch)
                invalid += sum(1 for c in codes if c != 0)
                approvals += len(batch)
                batch = []
                if progress and approvals % 1000 < txs_per_block:
                    progress(f"{approvals} approvals, {time.monotonic() - started:.1f}s")
        if batch:
            _, codes = w.order(batch)
            invalid += sum(1 for c in codes if c != 0)
            approvals += len(batch)
    finally:
        w.close()
    summary = {
        "channel": channel, "orgs": n_orgs, "definitions": definitions, "approvals": approvals,
        "invalid": invalid, "height": w.net.orderer.ledgers[channel].height,
        "txsPerBlock": txs_per_block, "seconds": round(time.monotonic() - started, 1),
        "peerOrgs": peer_orgs or n_orgs,
        "approved": _approved_summary(meta),
    }
    with open(os.path.join(w.net.dir, "history.json"), "w") as f:
        json.dump(summary, f, indent=1)
    return summary


def _approved_summary(meta):
    """Per definition: the orgs that approved the common parameters, and the others' difference."""
    out = {}
    for name, msp, ver, pol in meta:
        d = out.setdefault(name, {"sequence": 1, "version": "1.0", "same": [], "different": {}})
        if ver == "1.0" and pol is None:
            d["same"].append(msp)
        else:
            d["different"][msp] = {"version": ver} if ver != "1.0" else {"policy": pol}
    return out


def main(a):
    try:
        s = generate(a.dir, a.orgs, a.definitions, a.peers_per_org, a.peer_orgs, a.txs_per_block,
                     a.channel, progress=lambda m: print(m, file=sys.stderr, flush=True))
    except HistoryError as e:
        print(f"generate-history: {e}", file=sys.stderr)
        return 1
    s.pop("approved")
    print(json.dumps(s))
    return 0
