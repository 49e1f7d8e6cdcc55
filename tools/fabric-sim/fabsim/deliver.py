"""Deliver stream semantics shared by peer and orderer (common/deliver/deliver.go; docs/fabric-notes.md §5.2-5.3)."""
import datetime
import hashlib


from . import tlsfront
from .pb import ab, common, events
from .pb import transaction as T
from .policy import PolicyError

TIME_WINDOW = 15 * 60
MAX_U64 = 2 ** 64 - 1


class DeliverSource:
    """What a node exposes: channel -> (ChannelConfig, Ledger), the Readers policy, mutual TLS flag."""

    def __init__(self, channels, ledgers, readers_policy, mutual_tls, is_running):
        self.channels, self.ledgers = channels, ledgers
        self.readers_policy, self.mutual_tls = readers_policy, mutual_tls
        self.is_running = is_running


def client_cert_hash(context):
    """SHA-256 of the DER of the TLS client certificate of this call's connection, or None
    (comm.ExtractCertificateHashFromContext): from grpcio's TLS under --mutual-tls, from the
    node's TlsFront under --tls."""
    auth = context.auth_context()
    pem = (auth.get("x509_pem_cert") or [None])[0]
    if not pem:
        return tlsfront.cert_hash(context.peer())
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization
    der = x509.load_pem_x509_certificate(pem).public_bytes(serialization.Encoding.DER)
    return hashlib.sha256(der).digest()


def _check(src, env, context):
    """Returns (status, cfg, ledger, seekinfo)."""
    try:
        p = common.Payload.FromString(env.payload)
        chdr = common.ChannelHeader.FromString(p.header.channel_header)
        shdr = common.SignatureHeader.FromString(p.header.signature_header)
    except Exception:  # noqa: BLE001
        return common.BAD_REQUEST, None, None, None
    cfg = src.channels.get(chdr.channel_id)
    if cfg is None:
        return common.NOT_FOUND, None, None, None
    ts = chdr.timestamp.seconds + chdr.timestamp.nanos / 1e9
    now = datetime.datetime.now(datetime.timezone.utc).timestamp()
    if not chdr.HasField("timestamp") or abs(now - ts) > TIME_WINDOW:
        return common.BAD_REQUEST, None, None, None
    if src.mutual_tls:
        actual = client_cert_hash(context)
        if not chdr.tls_cert_hash or actual is None or chdr.tls_cert_hash != actual:
            return common.BAD_REQUEST, None, None, None
    try:
        cfg.evaluate(src.readers_policy, cfg.identities([(env.payload, shdr.creator, env.signature)]))
    except PolicyError:
        return common.FORBIDDEN, None, None, None
    try:
        seek = ab.SeekInfo.FromString(p.data)
    except Exception:  # noqa: BLE001
        return common.BAD_REQUEST, None, None, None
    if not seek.HasField("start") or not seek.HasField("stop"):
        return common.BAD_REQUEST, None, None, None
    return None, cfg, src.ledgers[chdr.channel_id], seek


def _pos(pos, height):
    kind = pos.WhichOneof("Type")
    if kind == "oldest":
        return 0
    if kind == "newest":
        return height - 1
    if kind == "next_commit":
        return height
    if kind == "specified":
        return pos.specified.number
    return None


def filtered(block, channel):
    fb = events.FilteredBlock(channel_id=channel, number=block.header.number)
    codes = block.metadata.metadata[common.TRANSACTIONS_FILTER] if len(block.metadata.metadata) > 2 else b""
    from . import txparse
    for i, env in enumerate(block.data.data):
        t = txparse.parse(env)
        if t is None:
            continue
        ft = fb.filtered_transactions.add(txid=t.chdr.tx_id, type=t.chdr.type,
                                          tx_validation_code=codes[i] if i < len(codes) else T.VALID)
        if t.chdr.type == common.ENDORSER_TRANSACTION:
            ft.transaction_actions.SetInParent()
    return fb


def serve(src, request_iterator, context, make_block_msg, make_status_msg):
    """Generator of responses for one Deliver stream."""
    for env in request_iterator:
        status, cfg, led, seek = _check(src, env, context)
        if status is not None:
            yield make_status_msg(status)
            return
        start = _pos(seek.start, led.height)
        stop = _pos(seek.stop, led.height)
        if start is None or stop is None:
            yield make_status_msg(common.BAD_REQUEST)
            return
        if start > led.height and seek.start.WhichOneof("Type") == "specified":
            yield make_status_msg(common.NOT_FOUND)
            return
        if stop < start:
            yield make_status_msg(common.BAD_REQUEST)
            return
        n = start
        while n <= stop:
            if n >= led.height:
                if seek.behavior == ab.SeekInfo.FAIL_IF_NOT_READY:
                    yield make_status_msg(common.NOT_FOUND)
                    return
                while not led.wait_for_height(n + 1, 0.25):
                    if not context.is_active() or not src.is_running():
                        if not src.is_running():
                            yield make_status_msg(common.SERVICE_UNAVAILABLE)
                        return
            yield make_block_msg(led.block(n), cfg.name)
            n += 1
        yield make_status_msg(common.SUCCESS)
