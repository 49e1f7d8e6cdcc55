"""A minimal independent Fabric client used by the tests (official Python messages, real gRPC)."""
import hashlib
import json
import os
import subprocess
import sys
import time

import grpc

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))

from fabsim import crypto, cryptogen  # noqa: E402
from fabsim.pb import (ab, ab_grpc, chaincode, common, events_grpc,  # noqa: E402
                       gateway_grpc, identities, lifecycle, peer_grpc, proposal, transaction)
from google.protobuf.timestamp_pb2 import Timestamp  # noqa: E402


class Identity:
    def __init__(self, mspid, msp_dir, tls_dir=None):
        self.mspid = mspid
        self.cert_pem, self.key = cryptogen.load_identity(msp_dir)
        self.creator = identities.SerializedIdentity(mspid=mspid, id_bytes=self.cert_pem).SerializeToString()
        self.tls_dir = tls_dir

    def sign(self, data):
        return crypto.sign(self.key, data)


def ts():
    t = time.time()
    return Timestamp(seconds=int(t), nanos=int((t % 1) * 1e9))


class Proposal:
    """A signed proposal and the pieces needed to turn it into a transaction."""

    def __init__(self, ident, channel, cc, args, is_init=False, nonce=None, tx_id=None, sign=True,
                 header_type=common.ENDORSER_TRANSACTION, epoch=0, transient=None):
        self.ident = ident
        nonce = os.urandom(24) if nonce is None else nonce
        self.tx_id = tx_id if tx_id is not None else hashlib.sha256(nonce + ident.creator).hexdigest()
        ext = proposal.ChaincodeHeaderExtension(chaincode_id=chaincode.ChaincodeID(name=cc)).SerializeToString()
        self.chdr = common.ChannelHeader(type=header_type, timestamp=ts(), channel_id=channel, tx_id=self.tx_id,
                                         epoch=epoch, extension=ext).SerializeToString()
        self.shdr = common.SignatureHeader(creator=ident.creator, nonce=nonce).SerializeToString()
        self.header = common.Header(channel_header=self.chdr, signature_header=self.shdr)
        self.cis = chaincode.ChaincodeInvocationSpec(chaincode_spec=chaincode.ChaincodeSpec(
            type=chaincode.ChaincodeSpec.NODE, chaincode_id=chaincode.ChaincodeID(name=cc),
            input=chaincode.ChaincodeInput(args=[a if isinstance(a, bytes) else a.encode() for a in args],
                                           is_init=is_init))).SerializeToString()
        payload = proposal.ChaincodeProposalPayload(input=self.cis, TransientMap=transient or {})
        self.bytes = proposal.Proposal(header=self.header.SerializeToString(),
                                       payload=payload.SerializeToString()).SerializeToString()
        self.signed = proposal.SignedProposal(proposal_bytes=self.bytes,
                                              signature=ident.sign(self.bytes) if sign else b"")

    def envelope(self, responses, signer=None):
        ends = []
        seen = set()
        for r in responses:
            if r.HasField("endorsement") and r.endorsement.endorser not in seen:
                seen.add(r.endorsement.endorser)
                ends.append(r.endorsement)
        cpp = proposal.ChaincodeProposalPayload(input=self.cis).SerializeToString()
        cap = transaction.ChaincodeActionPayload(
            chaincode_proposal_payload=cpp,
            action=transaction.ChaincodeEndorsedAction(proposal_response_payload=responses[0].payload,
                                                       endorsements=ends))
        tx = transaction.Transaction(actions=[transaction.TransactionAction(header=self.shdr,
                                                                            payload=cap.SerializeToString())])
        payload = common.Payload(header=self.header, data=tx.SerializeToString()).SerializeToString()
        return common.Envelope(payload=payload, signature=(signer or self.ident).sign(payload))


class Net:
    """Connections to a running simulator described by its ready.json."""

    def __init__(self, directory):
        self.dir = directory
        self.ready = json.load(open(os.path.join(directory, "ready.json")))
        self.tls = self.ready["tls"]
        self._chans = {}
        self.orgs = {o["mspId"]: o for o in self.ready["organizations"]}

    def admin(self, mspid):
        o = self.orgs[mspid]
        return Identity(mspid, o["adminMspDir"], o["adminTlsDir"])

    def user(self, mspid):
        o = self.orgs[mspid]
        return Identity(mspid, o["userMspDir"], o["userTlsDir"])

    def peer_info(self, mspid, i=0):
        return [p for p in self.ready["peers"] if p["mspId"] == mspid][i]

    def channel(self, node, client_tls_dir=None):
        key = (node["name"], client_tls_dir)
        if key not in self._chans:
            addr = f"127.0.0.1:{node['port']}"
            opts = [("grpc.max_receive_message_length", 100 * 1024 * 1024),
                    ("grpc.ssl_target_name_override", node["name"])]
            if self.tls == "plaintext":
                ch = grpc.insecure_channel(addr, options=opts)
            else:
                root = open(node["tlsRootCert"], "rb").read()
                kw = {}
                if self.tls == "mutual":
                    d = client_tls_dir or self.orgs["Org1MSP"]["adminTlsDir"]
                    kw = {"private_key": open(os.path.join(d, "client.key"), "rb").read(),
                          "certificate_chain": open(os.path.join(d, "client.crt"), "rb").read()}
                ch = grpc.secure_channel(addr, grpc.ssl_channel_credentials(root, **kw), options=opts)
            self._chans[key] = ch
        return self._chans[key]

    def default_tls_hash(self):
        """Under mutual TLS: SHA-256 of the DER of the default client certificate (Org1's admin)."""
        if self.tls != "mutual":
            return b""
        from cryptography import x509
        from cryptography.hazmat.primitives import serialization
        pem = open(os.path.join(self.orgs["Org1MSP"]["adminTlsDir"], "client.crt"), "rb").read()
        der = x509.load_pem_x509_certificate(pem).public_bytes(serialization.Encoding.DER)
        return hashlib.sha256(der).digest()

    def peer(self, mspid, i=0):
        return self.channel(self.peer_info(mspid, i))

    def endorser(self, mspid, i=0):
        return peer_grpc.EndorserStub(self.peer(mspid, i))

    def deliver(self, mspid, i=0):
        return events_grpc.DeliverStub(self.peer(mspid, i))

    def gateway(self, mspid, i=0):
        return gateway_grpc.GatewayStub(self.peer(mspid, i))

    def broadcaster(self):
        return ab_grpc.AtomicBroadcastStub(self.channel(self.ready["orderer"]))

    def close(self):
        for c in self._chans.values():
            c.close()

    # ------------------------------------------------------------ high level
    def propose(self, mspid, prop, i=0):
        return self.endorser(mspid, i).ProcessProposal(prop.signed, timeout=30)

    def broadcast(self, env):
        return list(self.broadcaster().Broadcast(iter([env]), timeout=30))[0]

    def seek_envelope(self, ident, channel, start, stop, behavior=ab.SeekInfo.BLOCK_UNTIL_READY,
                      tls_cert_hash=b"", timestamp=None):
        seek = ab.SeekInfo(start=start, stop=stop, behavior=behavior)
        chdr = common.ChannelHeader(type=common.DELIVER_SEEK_INFO, channel_id=channel,
                                    timestamp=timestamp or Timestamp(seconds=int(time.time())),
                                    tls_cert_hash=tls_cert_hash)
        shdr = common.SignatureHeader(creator=ident.creator, nonce=os.urandom(24))
        payload = common.Payload(header=common.Header(channel_header=chdr.SerializeToString(),
                                                      signature_header=shdr.SerializeToString()),
                                 data=seek.SerializeToString()).SerializeToString()
        return common.Envelope(payload=payload, signature=ident.sign(payload))

    def height(self, mspid, channel="mychannel"):
        from fabsim.pb import ledger
        r = self.propose(mspid, Proposal(self.admin(mspid), "", "qscc",
                                         ["GetChainInfo", channel]))
        return ledger.BlockchainInfo.FromString(r.response.payload).height

    def wait_all(self, tx_id, channel="mychannel"):
        """Wait until every peer of the network has committed tx_id; returns the first peer's result."""
        results = []
        for p in self.ready["peers"]:
            i = [q["name"] for q in self.ready["peers"] if q["mspId"] == p["mspId"]].index(p["name"])
            try:
                results.append(self.wait_tx(p["mspId"], tx_id, channel, i=i))
            except grpc.RpcError as e:       # a peer stopped by a fault test
                if e.code() != grpc.StatusCode.UNAVAILABLE:
                    raise
        return results[0]

    def wait_tx(self, mspid, tx_id, channel="mychannel", timeout=15, i=0):
        """Wait on DeliverFiltered from block 0 for tx_id; returns (code, block number)."""
        ident = self.user(mspid)
        env = self.seek_envelope(ident, channel, ab.SeekPosition(oldest=ab.SeekOldest()),
                                 ab.SeekPosition(specified=ab.SeekSpecified(number=2 ** 64 - 1)),
                                 tls_cert_hash=self.default_tls_hash())
        stream = self.deliver(mspid, i).DeliverFiltered(iter([env]), timeout=timeout)
        try:
            for resp in stream:
                if resp.WhichOneof("Type") == "status":
                    raise AssertionError(f"deliver ended with status {resp.status}")
                for ft in resp.filtered_block.filtered_transactions:
                    if ft.txid == tx_id:
                        return ft.tx_validation_code, resp.filtered_block.number
        finally:
            stream.cancel()

    def transact(self, prop, endorsers):
        """Endorse on each (mspid, idx), broadcast, wait for all peers; returns (code, responses)."""
        resps = [self.propose(m, prop, i) for m, i in endorsers]
        for r in resps:
            assert 200 <= r.response.status < 400, r.response.message
        b = self.broadcast(prop.envelope(resps))
        assert b.status == common.SUCCESS, b.info
        code, _ = self.wait_all(prop.tx_id)
        return code, resps


# ------------------------------------------------------------ lifecycle helpers
def lc_prop(ident, channel, fn, msg, **kw):
    return Proposal(ident, channel, "_lifecycle", [fn, msg.SerializeToString()], **kw)


def def_args(cls, name, seq, version="1.0", policy=b"", init_required=False, package_id=None,
             collections=None):
    a = cls(sequence=seq, name=name, version=version, validation_parameter=policy,
            init_required=init_required)
    if collections is not None:
        a.collections.CopyFrom(collections)
    if cls is lifecycle.ApproveChaincodeDefinitionForMyOrgArgs:
        if package_id:
            a.source.local_package.package_id = package_id
        else:
            a.source.unavailable.SetInParent()
    return a


class Lifecycle:
    """Lifecycle operations the way `peer lifecycle chaincode` performs them."""

    def __init__(self, net, channel="mychannel"):
        self.net, self.ch = net, channel

    def install(self, mspid, pkg, i=0):
        r = self.net.propose(mspid, lc_prop(self.net.admin(mspid), "", "InstallChaincode",
                                            lifecycle.InstallChaincodeArgs(chaincode_install_package=pkg)), i)
        return r

    def approve(self, mspid, name, seq, package_id=None, **kw):
        a = def_args(lifecycle.ApproveChaincodeDefinitionForMyOrgArgs, name, seq, package_id=package_id, **kw)
        p = lc_prop(self.net.admin(mspid), self.ch, "ApproveChaincodeDefinitionForMyOrg", a)
        r = self.net.propose(mspid, p)
        if r.response.status != 200:
            return None, r
        code, _ = self.net.transact(p, [(mspid, 0)])
        return code, r

    def readiness(self, mspid, name, seq, **kw):
        a = def_args(lifecycle.CheckCommitReadinessArgs, name, seq, **kw)
        return self.net.propose(mspid, lc_prop(self.net.admin(mspid), self.ch, "CheckCommitReadiness", a))

    def commit(self, endorsing, name, seq, submitter=None, **kw):
        a = def_args(lifecycle.CommitChaincodeDefinitionArgs, name, seq, **kw)
        p = lc_prop(self.net.admin(submitter or endorsing[0]), self.ch, "CommitChaincodeDefinition", a)
        resps = [self.net.propose(m, p) for m in endorsing]
        bad = [r for r in resps if r.response.status != 200]
        if bad:
            return None, bad[0]
        b = self.net.broadcast(p.envelope(resps))
        assert b.status == common.SUCCESS, b.info
        code, _ = self.net.wait_all(p.tx_id, self.ch)
        return code, resps[0]

    def query(self, mspid, fn, msg, result_cls, admin=True):
        ident = self.net.admin(mspid) if admin else self.net.user(mspid)
        r = self.net.propose(mspid, lc_prop(ident, self.ch, fn, msg))
        return (result_cls.FromString(r.response.payload) if r.response.status == 200 else None), r


def start_sim(directory, *extra):
    """Start `fabric_sim.py up` as a subprocess; returns once it printed its ready line."""
    os.makedirs(directory, exist_ok=True)
    log = open(os.path.join(directory, "sim.log"), "ab")
    proc = subprocess.Popen([sys.executable, os.path.join(os.path.dirname(HERE), "fabric_sim.py"), "up",
                             "--dir", directory, *extra], stdout=subprocess.PIPE, stderr=log)
    line = proc.stdout.readline().decode()
    if not line.startswith("fabric-sim ready"):
        proc.kill()
        proc.wait()
        raise RuntimeError("simulator failed to start: " + open(os.path.join(directory, "sim.log")).read())
    return proc


def stop_sim(proc):
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
