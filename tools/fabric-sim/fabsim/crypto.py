"""Crypto material like cryptogen: CAs, signing/TLS certs, low-S ECDSA (docs/fabric-notes.md §2.2, §2.3, §11)."""
import datetime
import hashlib
import os

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import (
    decode_dss_signature, encode_dss_signature)
from cryptography.x509.oid import NameOID

P256_N = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551
CURVE_ORDERS = {"secp256r1": P256_N,
                "secp384r1": int("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFC7634D81F4372DDF"
                                 "581A0DB248B0A77AECEC196ACCC52973", 16)}


def sha256(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def new_key():
    return ec.generate_private_key(ec.SECP256R1())


def key_pem(key) -> bytes:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


def cert_pem(cert) -> bytes:
    return cert.public_bytes(serialization.Encoding.PEM)


def load_key(pem: bytes):
    return serialization.load_pem_private_key(pem, None)


def load_cert(pem: bytes):
    return x509.load_pem_x509_certificate(pem)


def sign(key, data: bytes) -> bytes:
    """SHA-256 digest, ECDSA, low-S normalized, DER (bccsp/sw/ecdsa.go)."""
    der = key.sign(data, ec.ECDSA(hashes.SHA256()))
    r, s = decode_dss_signature(der)
    n = CURVE_ORDERS[key.curve.name]
    if s > n >> 1:
        s = n - s
    return encode_dss_signature(r, s)


class SignatureError(Exception):
    pass


def verify(cert, data: bytes, signature: bytes) -> None:
    """Verify like bccsp: reject high-S and non-positive r/s. Raises SignatureError."""
    pub = cert.public_key()
    try:
        r, s = decode_dss_signature(signature)
    except Exception as e:  # noqa: BLE001 - any parse failure is a bad signature
        raise SignatureError(f"failed unmashalling signature [{e}]")
    if r <= 0 or s <= 0:
        raise SignatureError("invalid signature, R and S must be larger than zero")
    n = CURVE_ORDERS.get(pub.curve.name, P256_N)
    if s > n >> 1:
        raise SignatureError(f"Invalid S. Must be smaller than half the order [{s}][{n >> 1}].")
    try:
        pub.verify(signature, data, ec.ECDSA(hashes.SHA256()))
    except Exception:  # noqa: BLE001
        raise SignatureError("The signature is invalid")


def _name(cn, ou=None, org=None):
    attrs = [x509.NameAttribute(NameOID.COUNTRY_NAME, "US"),
             x509.NameAttribute(NameOID.STATE_OR_PROVINCE_NAME, "North Carolina"),
             x509.NameAttribute(NameOID.LOCALITY_NAME, "Raleigh")]
    if org:
        attrs.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, org))
    if ou:
        attrs.append(x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, ou))
    attrs.append(x509.NameAttribute(NameOID.COMMON_NAME, cn))
    return x509.Name(attrs)


def _ski(key):
    return x509.SubjectKeyIdentifier.from_public_key(key.public_key())


def make_ca(cn: str, org: str):
    key = new_key()
    now = datetime.datetime.now(datetime.timezone.utc)
    name = _name(cn, org=org)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=3650))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(True, False, True, False, False, True, True, False, False),
                           critical=True)
            .add_extension(_ski(key), critical=False)
            .sign(key, hashes.SHA256()))
    return key, cert


def issue(ca_key, ca_cert, cn: str, ou=None, sans=None, tls=False):
    key = new_key()
    now = datetime.datetime.now(datetime.timezone.utc)
    b = (x509.CertificateBuilder().subject_name(_name(cn, ou=ou))
         .issuer_name(ca_cert.subject).public_key(key.public_key())
         .serial_number(x509.random_serial_number())
         .not_valid_before(now - datetime.timedelta(days=1))
         .not_valid_after(now + datetime.timedelta(days=3650))
         .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
         .add_extension(x509.KeyUsage(True, False, tls, False, False, False, False, False, False),
                        critical=True)
         .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
                        critical=False))
    if tls:
        b = b.add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH,
                                                   x509.oid.ExtendedKeyUsageOID.CLIENT_AUTH]),
                            critical=False)
    if sans:
        import ipaddress
        names = []
        for s in sans:
            try:
                names.append(x509.IPAddress(ipaddress.ip_address(s)))
            except ValueError:
                names.append(x509.DNSName(s))
        b = b.add_extension(x509.SubjectAlternativeName(names), critical=False)
    return key, b.sign(ca_key, hashes.SHA256())


def write(path: str, data: bytes) -> None:
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)


def cert_ou(cert):
    return [a.value for a in cert.subject.get_attributes_for_oid(NameOID.ORGANIZATIONAL_UNIT_NAME)]


def verify_issued_by(cert, ca_cert) -> bool:
    if cert.issuer != ca_cert.subject:
        return False
    try:
        ca_cert.public_key().verify(cert.signature, cert.tbs_certificate_bytes,
                                    ec.ECDSA(cert.signature_hash_algorithm))
        return True
    except Exception:  # noqa: BLE001
        return False
