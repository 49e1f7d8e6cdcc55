"""Block construction and hashing (protoutil/blockutils.go)."""
import hashlib

from .pb import common


def _der_int(n: int) -> bytes:
    b = n.to_bytes(max(1, (n.bit_length() + 8) // 8), "big")
    return b"\x02" + _der_len(len(b)) + b


def _der_len(n: int) -> bytes:
    if n < 128:
        return bytes([n])
    b = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(b)]) + b


def _der_oct(b: bytes) -> bytes:
    return b"\x04" + _der_len(len(b)) + b


def header_hash(h) -> bytes:
    """SHA-256 of ASN.1 DER SEQUENCE{number, previous_hash, data_hash} (BlockHeaderBytes)."""
    body = _der_int(h.number) + _der_oct(h.previous_hash) + _der_oct(h.data_hash)
    return hashlib.sha256(b"\x30" + _der_len(len(body)) + body).digest()


def data_hash(data) -> bytes:
    return hashlib.sha256(b"".join(data)).digest()


def make_block(number: int, previous_hash: bytes, envelopes) -> "common.Block":
    b = common.Block()
    b.header.number = number
    b.header.previous_hash = previous_hash
    b.data.data.extend(envelopes)
    b.header.data_hash = data_hash(b.data.data)
    b.metadata.metadata.extend([b""] * 5)
    return b


def sign_block(block, signer) -> None:
    """Orderer signature in metadata[SIGNATURES] (orderer/common/multichannel/blockwriter.go)."""
    from .pb import common as c
    obm = c.OrdererBlockMetadata(last_config=c.LastConfig(index=0)).SerializeToString()
    shdr = signer.signature_header()
    hdr_bytes = block.header.SerializeToString()
    sig = signer.sign(obm + shdr + hdr_bytes)
    md = c.Metadata(value=obm, signatures=[c.MetadataSignature(signature_header=shdr, signature=sig)])
    block.metadata.metadata[common.SIGNATURES] = md.SerializeToString()
    block.metadata.metadata[common.LAST_CONFIG] = c.Metadata(
        value=c.LastConfig(index=0).SerializeToString()).SerializeToString()


def tx_id_of(env_bytes: bytes) -> str:
    try:
        env = common.Envelope.FromString(env_bytes)
        p = common.Payload.FromString(env.payload)
        return common.ChannelHeader.FromString(p.header.channel_header).tx_id
    except Exception:  # noqa: BLE001
        return ""
