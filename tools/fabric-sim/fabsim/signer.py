"""A node or client signing identity."""
import os

from . import crypto
from .msp import serialize_identity
from .pb import common


class Signer:
    def __init__(self, mspid: str, cert_pem: bytes, key):
        self.mspid = mspid
        self.cert_pem = cert_pem
        self.key = key
        self.serialized = serialize_identity(mspid, cert_pem)

    def sign(self, data: bytes) -> bytes:
        return crypto.sign(self.key, data)

    def signature_header(self) -> bytes:
        return common.SignatureHeader(creator=self.serialized,
                                      nonce=os.urandom(24)).SerializeToString()
