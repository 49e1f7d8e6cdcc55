"""Gateway errors: gRPC status + gateway.ErrorDetail list (internal/pkg/gateway/apiutils.go newRpcError)."""
from .pb import gateway as gw


class GatewayError(Exception):
    """Sent as the call's status; details travel in grpc-status-details-bin."""

    def __init__(self, code, message, details=()):
        super().__init__(message)
        self.code = code
        self.details = list(details)     # [(node, message)]

    def status_details_bin(self) -> bytes:
        """Serialized google.rpc.Status{code, message, details: [Any(gateway.ErrorDetail)]}."""
        out = _varint(1 << 3) + _varint(self.code.value[0]) + _field(2, str(self).encode())
        for node, msg in self.details:
            d = gw.ErrorDetail(address=f"127.0.0.1:{node.port}", msp_id=node.mspid, message=msg)
            out += _field(3, _field(1, b"type.googleapis.com/gateway.ErrorDetail") + _field(2, d.SerializeToString()))
        return out


def _field(num, data):
    return _varint(num << 3 | 2) + _varint(len(data)) + data


def _varint(n):
    out = b""
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out += bytes([b | 0x80])
        else:
            return out + bytes([b])
