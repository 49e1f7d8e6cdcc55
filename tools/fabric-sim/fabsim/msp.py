"""MSP identity deserialization and validation (msp/mspimpl.go, NodeOUs)."""
import datetime

from . import crypto
from .pb import identities, mspcfg, principal

ROLE_NAMES = {principal.MSPRole.MEMBER: "MEMBER", principal.MSPRole.ADMIN: "ADMIN",
              principal.MSPRole.CLIENT: "CLIENT", principal.MSPRole.PEER: "PEER",
              principal.MSPRole.ORDERER: "ORDERER"}
OU_OF_ROLE = {principal.MSPRole.ADMIN: "admin", principal.MSPRole.CLIENT: "client",
              principal.MSPRole.PEER: "peer", principal.MSPRole.ORDERER: "orderer"}


class MSPError(Exception):
    pass


class Identity:
    def __init__(self, mspid, cert, raw: bytes, msp):
        self.mspid = mspid
        self.cert = cert
        self.raw = raw            # serialized SerializedIdentity
        self.msp = msp
        self.ous = crypto.cert_ou(cert)
        self._chain_ok = None     # like Fabric's cachedMSP: the chain is verified once per identity

    def validate(self):
        if self._chain_ok is None:
            self._chain_ok = any(crypto.verify_issued_by(self.cert, ca) for ca in self.msp.roots)
        if not self._chain_ok:
            raise MSPError("could not validate identity against certification chain")
        now = datetime.datetime.now(datetime.timezone.utc)
        if not (self.cert.not_valid_before_utc <= now <= self.cert.not_valid_after_utc):
            raise MSPError("the supplied identity is not valid: x509: certificate has expired "
                           "or is not yet valid")
        if not any(ou in ("admin", "client", "peer", "orderer") for ou in self.ous):
            raise MSPError("could not validate identity's OUs: the identity must be a client, "
                           "a peer, an orderer or an admin identity to be valid, not a "
                           "combination of them. OUs: [], MSP: [%s]" % self.mspid)

    def verify(self, data: bytes, signature: bytes):
        crypto.verify(self.cert, data, signature)

    def satisfies_role(self, role) -> None:
        """Raise MSPError unless this identity has `role` (MSPRole enum) in its own MSP."""
        self.validate()
        if role == principal.MSPRole.MEMBER:
            return
        ou = OU_OF_ROLE[role]
        if ou not in self.ous:
            detail = f"The identity does not contain OU [{ROLE_NAMES[role]}], MSP: [{self.mspid}]"
            if role == principal.MSPRole.ADMIN:
                raise MSPError(f"The identity is not an admin under this MSP [{self.mspid}]: {detail}")
            raise MSPError(f"The identity is not a [{ROLE_NAMES[role]}] under this MSP "
                           f"[{self.mspid}]: {detail}")


class MSP:
    def __init__(self, name: str, root_pems, tls_root_pems):
        self.name = name
        self.root_pems = list(root_pems)
        self.tls_root_pems = list(tls_root_pems)
        self.roots = [crypto.load_cert(p) for p in self.root_pems]

    @classmethod
    def from_config(cls, cfg: "mspcfg.MSPConfig"):
        f = mspcfg.FabricMSPConfig.FromString(cfg.config)
        return cls(f.name, f.root_certs, f.tls_root_certs)

    def fabric_config(self) -> "mspcfg.MSPConfig":
        ca = self.root_pems[0]
        ous = mspcfg.FabricNodeOUs(
            enable=True,
            client_ou_identifier=mspcfg.FabricOUIdentifier(certificate=ca, organizational_unit_identifier="client"),
            peer_ou_identifier=mspcfg.FabricOUIdentifier(certificate=ca, organizational_unit_identifier="peer"),
            admin_ou_identifier=mspcfg.FabricOUIdentifier(certificate=ca, organizational_unit_identifier="admin"),
            orderer_ou_identifier=mspcfg.FabricOUIdentifier(certificate=ca, organizational_unit_identifier="orderer"))
        f = mspcfg.FabricMSPConfig(
            name=self.name, root_certs=self.root_pems, tls_root_certs=self.tls_root_pems,
            crypto_config=mspcfg.FabricCryptoConfig(signature_hash_family="SHA2",
                                                    identity_identifier_hash_function="SHA256"),
            fabric_node_ous=ous)
        return mspcfg.MSPConfig(type=0, config=f.SerializeToString())


class MSPManager:
    """A set of MSPs (a channel's, or a peer's local one) that can deserialize identities.
    Deserialized identities are cached by their bytes, like Fabric's msp/cache (bounded)."""

    CACHE_SIZE = 512

    def __init__(self, msps):
        self.msps = {m.name: m for m in msps}
        self._cache = {}

    def deserialize(self, raw: bytes) -> Identity:
        ident = self._cache.get(raw)
        if ident is None:
            ident = self._deserialize(raw)
            if len(self._cache) >= self.CACHE_SIZE:
                self._cache.clear()
            self._cache[raw] = ident
        return ident

    def _deserialize(self, raw: bytes) -> Identity:
        try:
            sid = identities.SerializedIdentity.FromString(raw)
        except Exception as e:  # noqa: BLE001
            raise MSPError(f"could not deserialize a SerializedIdentity: {e}")
        m = self.msps.get(sid.mspid)
        if m is None:
            if len(self.msps) == 1:
                only = next(iter(self.msps))
                raise MSPError(f"expected MSP ID {only}, received {sid.mspid}")
            raise MSPError(f"MSP {sid.mspid} is unknown")
        try:
            cert = crypto.load_cert(sid.id_bytes)
        except Exception as e:  # noqa: BLE001
            raise MSPError(f"could not decode pem bytes [{sid.id_bytes[:40]!r}]: {e}")
        return Identity(sid.mspid, cert, raw, m)


def serialize_identity(mspid: str, cert_pem: bytes) -> bytes:
    return identities.SerializedIdentity(mspid=mspid, id_bytes=cert_pem).SerializeToString()
