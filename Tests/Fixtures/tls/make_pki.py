"""Test-only PKI for the HTTPS listener tests, generated fresh into a directory per test run.

    make_pki.py DIR

writes (PEM, P-256 keys):
  ca.pem / ca-key.pem             the CA that signs the server and the accepted client certificates
  server.pem / server-key.pem     CN=server-a, SAN localhost + 127.0.0.1
  server-b.pem / server-b-key.pem CN=server-b (the certificate a reload switches to)
  client.pem / client-key.pem     CN=ci,O=Org1 (clientAuth), signed by ca
  client-expired.pem / -key.pem   CN=ci,O=Org1, expired yesterday, signed by ca
  other-ca.pem, client-other.pem / -key.pem  CN=ci,O=Org1 signed by a CA the server does not trust
"""
import datetime
import ipaddress
import pathlib
import sys

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

NOW = datetime.datetime.now(datetime.timezone.utc)


def name(cn, org=None):
    attrs = [x509.NameAttribute(NameOID.ORGANIZATION_NAME, org)] if org else []
    return x509.Name(attrs + [x509.NameAttribute(NameOID.COMMON_NAME, cn)])


def cert(subject, key, issuer, issuer_key, *, ca=False, server=False, not_before=None, not_after=None):
    b = (x509.CertificateBuilder().subject_name(subject).issuer_name(issuer).public_key(key.public_key())
         .serial_number(x509.random_serial_number())
         .not_valid_before(not_before or NOW - datetime.timedelta(hours=1))
         .not_valid_after(not_after or NOW + datetime.timedelta(days=2))
         .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True))
    if ca:
        b = b.add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True)
    elif server:
        b = b.add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                            critical=False)
        b = b.add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
    else:
        b = b.add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.CLIENT_AUTH]), critical=False)
    return b.sign(issuer_key, hashes.SHA256())


def write(out, stem, certificate, key):
    (out / f"{stem}.pem").write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    if key is not None:
        (out / f"{stem}-key.pem").write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                                 serialization.NoEncryption()))


def main(out):
    out.mkdir(parents=True, exist_ok=True)
    new = lambda: ec.generate_private_key(ec.SECP256R1())
    ca_key, other_key = new(), new()
    ca = cert(name("Test TLS CA"), ca_key, name("Test TLS CA"), ca_key, ca=True)
    other = cert(name("Other CA"), other_key, name("Other CA"), other_key, ca=True)
    write(out, "ca", ca, ca_key)
    write(out, "other-ca", other, None)
    for stem, cn in [("server", "server-a"), ("server-b", "server-b")]:
        k = new()
        write(out, stem, cert(name(cn), k, ca.subject, ca_key, server=True), k)
    k = new()
    write(out, "client", cert(name("ci", "Org1"), k, ca.subject, ca_key), k)
    k = new()
    write(out, "client-expired", cert(name("ci", "Org1"), k, ca.subject, ca_key, not_before=NOW - datetime.timedelta(days=3),
                                      not_after=NOW - datetime.timedelta(days=1)), k)
    k = new()
    write(out, "client-other", cert(name("ci", "Org1"), k, other.subject, other_key), k)


if __name__ == "__main__":
    main(pathlib.Path(sys.argv[1]))
