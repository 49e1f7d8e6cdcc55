#!/usr/bin/env python3
"""gRPC test server for the Swift GRPCClient tests and benchmark (raw bytes, no protoc).

Usage:
  server.py certs DIR                 write a test CA, server/client certs and a second,
                                      unrelated CA into DIR (keys made now, never committed)
  server.py serve [--port N] [--tls DIR] [--mtls] [--watch-stdin] [--max-connection-age-ms N]
                  [--permit-pings]
                                      serve test.Echo; prints "PORT <n>" once listening;
                                      --watch-stdin exits when stdin closes (parent died);
                                      --max-connection-age-ms makes the server send GOAWAY;
                                      --permit-pings accepts client PINGs every 100 ms

Methods of service test.Echo (requests/responses are raw bytes):
  Unary           echo the request
  ServerStream    request = ASCII count N; responds "message 0" .. "message N-1"
  Bidi            echo every request message, then OK
  Sleep           request = ASCII milliseconds; sleeps, then responds b"slept"
  Error           aborts with INVALID_ARGUMENT and a message needing percent-encoding
                  (no response message: a Trailers-Only response)
  StreamThenError one message, then trailers with FAILED_PRECONDITION and a message
  Repeat          request = ASCII size N; responds N bytes of "x"
  Count           bidi: counts request messages and bytes, responds "<messages> <bytes>"
"""
import argparse
import datetime
import os
import signal
import sys
import threading
import time
from concurrent import futures

import grpc

MAX_MESSAGE = 200 * 1024 * 1024
ERROR_MESSAGE = "bad input: 100% wrong \u2713\nsecond line"
STREAM_ERROR_MESSAGE = "precondition failed: caf\u00e9 %41"


def unary(request, context):
    return request


def server_stream(request, context):
    for i in range(int(request.decode() or "0")):
        yield f"message {i}".encode()


def bidi(request_iterator, context):
    for message in request_iterator:
        yield message


def sleep(request, context):
    time.sleep(int(request.decode()) / 1000.0)
    return b"slept"


def error(request, context):
    context.abort(grpc.StatusCode.INVALID_ARGUMENT, ERROR_MESSAGE)


def stream_then_error(request, context):
    yield b"first"
    context.abort(grpc.StatusCode.FAILED_PRECONDITION, STREAM_ERROR_MESSAGE)


def repeat(request, context):
    return b"x" * int(request.decode())


def count(request_iterator, context):
    messages = total = 0
    for message in request_iterator:
        messages += 1
        total += len(message)
    yield f"{messages} {total}".encode()


def handler():
    ident = lambda b: b  # raw bytes in, raw bytes out
    kw = dict(request_deserializer=ident, response_serializer=ident)
    return grpc.method_handlers_generic_handler("test.Echo", {
        "Unary": grpc.unary_unary_rpc_method_handler(unary, **kw),
        "ServerStream": grpc.unary_stream_rpc_method_handler(server_stream, **kw),
        "Bidi": grpc.stream_stream_rpc_method_handler(bidi, **kw),
        "Sleep": grpc.unary_unary_rpc_method_handler(sleep, **kw),
        "Error": grpc.unary_unary_rpc_method_handler(error, **kw),
        "StreamThenError": grpc.unary_stream_rpc_method_handler(stream_then_error, **kw),
        "Repeat": grpc.unary_unary_rpc_method_handler(repeat, **kw),
        "Count": grpc.stream_stream_rpc_method_handler(count, **kw),
    })


def read(path):
    with open(path, "rb") as f:
        return f.read()


def serve(args):
    server = grpc.server(
        futures.ThreadPoolExecutor(max_workers=256),
        options=[
            ("grpc.max_receive_message_length", MAX_MESSAGE),
            ("grpc.max_send_message_length", MAX_MESSAGE),
            ("grpc.so_reuseport", 1),
        ] + ([("grpc.max_connection_age_ms", args.max_connection_age_ms),
              ("grpc.max_connection_age_grace_ms", 10000)] if args.max_connection_age_ms else [])
        + ([("grpc.http2.min_ping_interval_without_data_ms", 100),
            ("grpc.http2.max_ping_strikes", 0)] if args.permit_pings else []),
    )
    server.add_generic_rpc_handlers((handler(),))
    address = f"127.0.0.1:{args.port}"
    if args.tls:
        creds = grpc.ssl_server_credentials(
            [(read(os.path.join(args.tls, "server.key")), read(os.path.join(args.tls, "server.pem")))],
            root_certificates=read(os.path.join(args.tls, "ca.pem")) if args.mtls else None,
            require_client_auth=args.mtls,
        )
        port = server.add_secure_port(address, creds)
    else:
        port = server.add_insecure_port(address)
    server.start()
    print(f"PORT {port}", flush=True)
    # SIGTERM: cancel every call (GOAWAY), then exit at once; a normal interpreter shutdown
    # would wait for handler threads and trip over the stdin watcher thread.
    signal.signal(signal.SIGTERM, lambda *_: (server.stop(0).wait(2), os._exit(0)))
    if args.watch_stdin:
        threading.Thread(target=exit_on_stdin_eof, daemon=True).start()
    server.wait_for_termination()


def exit_on_stdin_eof():
    while sys.stdin.buffer.read(4096):
        pass
    os._exit(0)


def make_certs(directory):
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
    import ipaddress

    now = datetime.datetime.now(datetime.timezone.utc)

    def name(cn):
        return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])

    def build(subject, key, issuer, issuer_key, ca, sans=(), usage=None):
        b = (x509.CertificateBuilder().subject_name(name(subject)).issuer_name(name(issuer))
             .public_key(key.public_key()).serial_number(x509.random_serial_number())
             .not_valid_before(now - datetime.timedelta(minutes=5))
             .not_valid_after(now + datetime.timedelta(days=1))
             .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True))
        if sans:
            b = b.add_extension(x509.SubjectAlternativeName(list(sans)), critical=False)
        if usage:
            b = b.add_extension(x509.ExtendedKeyUsage([usage]), critical=False)
        return b.sign(issuer_key, hashes.SHA256())

    def write(filename, data):
        with open(os.path.join(directory, filename), "wb") as f:
            f.write(data)

    def write_key(filename, key):
        write(filename, key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                          serialization.NoEncryption()))

    def write_cert(filename, cert):
        write(filename, cert.public_bytes(serialization.Encoding.PEM))

    os.makedirs(directory, exist_ok=True)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    write_cert("ca.pem", build("Test TLS CA", ca_key, "Test TLS CA", ca_key, True))
    server_key = ec.generate_private_key(ec.SECP256R1())
    sans = [x509.DNSName("localhost"), x509.DNSName("peer0.test.example"),
            x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
    write_cert("server.pem", build("localhost", server_key, "Test TLS CA", ca_key, False, sans,
                                   ExtendedKeyUsageOID.SERVER_AUTH))
    write_key("server.key", server_key)
    client_key = ec.generate_private_key(ec.SECP256R1())
    write_cert("client.pem", build("client", client_key, "Test TLS CA", ca_key, False, (),
                                   ExtendedKeyUsageOID.CLIENT_AUTH))
    write_key("client.key", client_key)
    other_key = ec.generate_private_key(ec.SECP256R1())
    write_cert("other-ca.pem", build("Other CA", other_key, "Other CA", other_key, True))


def main():
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command", required=True)
    certs = sub.add_parser("certs")
    certs.add_argument("directory")
    s = sub.add_parser("serve")
    s.add_argument("--port", type=int, default=0)
    s.add_argument("--tls")
    s.add_argument("--mtls", action="store_true")
    s.add_argument("--watch-stdin", action="store_true")
    s.add_argument("--max-connection-age-ms", type=int)
    s.add_argument("--permit-pings", action="store_true")
    args = parser.parse_args()
    if args.command == "certs":
        make_certs(args.directory)
    else:
        serve(args)


if __name__ == "__main__":
    sys.exit(main())
