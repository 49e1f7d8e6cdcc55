"""Decoding of endorser transactions (envelope -> header, action, rwset)."""
from dataclasses import dataclass

from .pb import common, kvrwset, presp, proposal, rwset, transaction


@dataclass
class ParsedTx:
    env: object
    payload: object
    chdr: object
    shdr: object
    shdr_bytes: bytes
    tx: object = None
    cap: object = None          # ChaincodeActionPayload
    prp: object = None          # ProposalResponsePayload
    action: object = None       # ChaincodeAction
    rwset: object = None        # TxReadWriteSet
    cis: object = None          # ChaincodeInvocationSpec
    cc_name: str = ""


def parse(env_bytes):
    """Best-effort decode; returns None if the envelope is not even a Payload."""
    try:
        env = common.Envelope.FromString(env_bytes)
        payload = common.Payload.FromString(env.payload)
        chdr = common.ChannelHeader.FromString(payload.header.channel_header)
        shdr = common.SignatureHeader.FromString(payload.header.signature_header)
    except Exception:  # noqa: BLE001
        return None
    t = ParsedTx(env, payload, chdr, shdr, payload.header.signature_header)
    if chdr.type != common.ENDORSER_TRANSACTION:
        return t
    try:
        t.tx = transaction.Transaction.FromString(payload.data)
        if len(t.tx.actions) != 1:
            return t
        t.cap = transaction.ChaincodeActionPayload.FromString(t.tx.actions[0].payload)
        t.prp = presp.ProposalResponsePayload.FromString(t.cap.action.proposal_response_payload)
        t.action = proposal.ChaincodeAction.FromString(t.prp.extension)
        t.rwset = rwset.TxReadWriteSet.FromString(t.action.results)
        cpp = proposal.ChaincodeProposalPayload.FromString(t.cap.chaincode_proposal_payload)
        from .pb import chaincode
        t.cis = chaincode.ChaincodeInvocationSpec.FromString(cpp.input)
        ext = proposal.ChaincodeHeaderExtension.FromString(chdr.extension)
        t.cc_name = ext.chaincode_id.name
    except Exception:  # noqa: BLE001
        t.rwset = None
    return t


def kvrwset_of(ns):
    return kvrwset.KVRWSet.FromString(ns.rwset)


def hashed_of(coll):
    return kvrwset.HashedRWSet.FromString(coll.hashed_rwset)
