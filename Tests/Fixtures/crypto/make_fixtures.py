#!/usr/bin/env python3
"""Regenerates the committed test certificates/keys (dev tool; tests only read the output).

Writes into Tests/Fixtures/crypto and Tests/Fixtures/msp-org1-admin, a cryptogen-like
layout: CA (P-256), Admin@org1 (OU=admin, PKCS#8 key), a P-384 SEC1 key with its cert.
"""
import datetime
import ipaddress
import os
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

HERE = os.path.dirname(os.path.abspath(__file__))
MSP = os.path.join(HERE, "..", "msp-org1-admin")
START = datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone.utc)
END = datetime.datetime(2034, 1, 1, tzinfo=datetime.timezone.utc)


def name(cn, ou=None):
    attrs = [x509.NameAttribute(NameOID.COUNTRY_NAME, "US"),
             x509.NameAttribute(NameOID.STATE_OR_PROVINCE_NAME, "California"),
             x509.NameAttribute(NameOID.LOCALITY_NAME, "San Francisco")]
    if ou:
        attrs.append(x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, ou))
    else:
        attrs.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, "org1.example.com"))
    attrs.append(x509.NameAttribute(NameOID.COMMON_NAME, cn))
    return x509.Name(attrs)


def cert(subject, key, issuer, issuer_key, ca=False, sans=None):
    b = (x509.CertificateBuilder().subject_name(subject).issuer_name(issuer)
         .public_key(key.public_key()).serial_number(0x1234 if ca else 0x5678)
         .not_valid_before(START).not_valid_after(END)
         .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), False)
         .add_extension(x509.BasicConstraints(ca=ca, path_length=None), True))
    if sans:
        b = b.add_extension(x509.SubjectAlternativeName(sans), False)
    return b.sign(issuer_key, hashes.SHA256())


def pem(c):
    return c.public_bytes(serialization.Encoding.PEM)


def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)


ca_key = ec.generate_private_key(ec.SECP256R1())
ca = cert(name("ca.org1.example.com"), ca_key, name("ca.org1.example.com"), ca_key, ca=True)
admin_key = ec.generate_private_key(ec.SECP256R1())
admin = cert(name("Admin@org1.example.com", "admin"), admin_key, ca.subject, ca_key,
             sans=[x509.DNSName("admin.org1.example.com"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))])
p384_key = ec.generate_private_key(ec.SECP384R1())
p384 = cert(name("User1@org1.example.com", "client"), p384_key, ca.subject, ca_key)
other_key = ec.generate_private_key(ec.SECP256R1())

pkcs8 = serialization.PrivateFormat.PKCS8
sec1 = serialization.PrivateFormat.TraditionalOpenSSL
nopw = serialization.NoEncryption()
enc = serialization.Encoding.PEM

write(os.path.join(HERE, "ca.pem"), pem(ca))
write(os.path.join(HERE, "admin-cert.pem"), pem(admin))
write(os.path.join(HERE, "admin-key-pkcs8.pem"), admin_key.private_bytes(enc, pkcs8, nopw))
write(os.path.join(HERE, "admin-key-sec1.pem"), admin_key.private_bytes(enc, sec1, nopw))
write(os.path.join(HERE, "user-p384-cert.pem"), pem(p384))
write(os.path.join(HERE, "user-p384-key-sec1.pem"), p384_key.private_bytes(enc, sec1, nopw))

write(os.path.join(MSP, "cacerts", "ca.org1.example.com-cert.pem"), pem(ca))
write(os.path.join(MSP, "signcerts", "Admin@org1.example.com-cert.pem"), pem(admin))
# Two keys: the loader must pick the one matching the signcert, not the first file.
write(os.path.join(MSP, "keystore", "0aaa_sk"), other_key.private_bytes(enc, pkcs8, nopw))
write(os.path.join(MSP, "keystore", "priv_sk"), admin_key.private_bytes(enc, pkcs8, nopw))
write(os.path.join(MSP, "config.yaml"), b"""NodeOUs:
  Enable: true
  ClientOUIdentifier:
    Certificate: cacerts/ca.org1.example.com-cert.pem
    OrganizationalUnitIdentifier: client
  AdminOUIdentifier:
    Certificate: cacerts/ca.org1.example.com-cert.pem
    OrganizationalUnitIdentifier: admin
""")
