"""Python's ssl module as the independent TLS client of the HTTPS listener tests.

Each command prints one JSON object on stdout.
  get PORT PATH [--ca F] [--cert F --key F] [--tls12] [--alpn P,...]
      one GET over a fresh connection: status, version, cipher, ALPN, body length and SHA-256,
      the server certificate's CN; or {"error": ...} when the handshake or the exchange failed
  put PORT PATH SIZE --ca F      streams SIZE random bytes (chunked) and returns the response body
                                 and the SHA-256 of what was sent
  reload PORT --ca F --dir D     keeps connection A open, renames server-b.pem/-key.pem over
                                 server.pem/-key.pem in D, polls new connections until they see
                                 server-b, then uses A again
  proxy PORT --ca F [--cert F --key F]
                                 a plain-TCP -> TLS proxy on 127.0.0.1:0 (prints {"port": N}),
                                 until SIGTERM: lets plain-socket test clients speak to the
                                 TLS listener, optionally with a client certificate
"""
import argparse
import hashlib
import http.client
import json
import os
import select
import signal
import socket
import ssl
import sys
import threading
import time


def context(args):
    ctx = ssl.create_default_context(cafile=args.ca)
    if getattr(args, "cert", None):
        ctx.load_cert_chain(args.cert, args.key)
    if getattr(args, "tls12", False):
        ctx.maximum_version = ssl.TLSVersion.TLSv1_2
    if getattr(args, "alpn", None):
        ctx.set_alpn_protocols(args.alpn.split(","))
    return ctx


def peer_cn(sock):
    cert = sock.getpeercert()
    return next((v for rdn in cert.get("subject", ()) for k, v in rdn if k == "commonName"), None)


def get(args):
    try:
        raw = socket.create_connection(("127.0.0.1", args.port), timeout=10)
        s = context(args).wrap_socket(raw, server_hostname="localhost")
        info = {"version": s.version(), "cipher": s.cipher()[0], "alpn": s.selected_alpn_protocol(), "peer": peer_cn(s)}
        conn = http.client.HTTPConnection("localhost", args.port)
        conn.sock = s
        conn.request("GET", args.path)
        r = conn.getresponse()
        body = r.read()
        info.update(status=r.status, length=len(body), sha256=hashlib.sha256(body).hexdigest(), body=body[:200].decode("latin-1"),
                    hsts=r.getheader("Strict-Transport-Security"))
        return info
    except (ssl.SSLError, OSError, http.client.HTTPException) as e:
        return {"error": f"{type(e).__name__}: {e}"}


def put(args):
    s = context(args).wrap_socket(socket.create_connection(("127.0.0.1", args.port), timeout=30), server_hostname="localhost")
    conn = http.client.HTTPConnection("localhost", args.port)
    conn.sock = s
    digest, left = hashlib.sha256(), args.size

    def chunks():
        nonlocal left
        while left > 0:
            block = os.urandom(min(left, 1 << 20))
            left -= len(block)
            digest.update(block)
            yield block

    conn.request("PUT", args.path, body=chunks(), encode_chunked=True)
    r = conn.getresponse()
    return {"status": r.status, "body": r.read().decode(), "sentSha256": digest.hexdigest()}


def reload(args):
    ctx = context(args)
    a = http.client.HTTPSConnection("localhost", args.port, context=ctx, timeout=10)
    a.request("GET", "/hello")
    first = a.getresponse()
    first.read()
    before = peer_cn(a.sock)
    os.rename(os.path.join(args.dir, "server-b-key.pem"), os.path.join(args.dir, "server-key.pem"))
    os.rename(os.path.join(args.dir, "server-b.pem"), os.path.join(args.dir, "server.pem"))
    deadline, after = time.monotonic() + 20, None
    while time.monotonic() < deadline:
        s = ctx.wrap_socket(socket.create_connection(("127.0.0.1", args.port), timeout=10), server_hostname="localhost")
        after = peer_cn(s)
        s.close()
        if after == "server-b":
            break
        time.sleep(0.05)
    a.request("GET", "/hello")
    again = a.getresponse()
    return {"before": before, "after": after, "oldConnectionStatus": again.status, "oldConnectionPeer": peer_cn(a.sock)}


def relay(client, upstream):
    """Copies bytes both ways between a plain client and its TLS upstream, in one thread: an
    SSLSocket must not be read in one thread while another writes it (CPython does not lock the
    SSL object). The upstream is non-blocking for reads (a TLS 1.3 session ticket wakes select but
    carries no data), blocking for writes."""
    try:
        upstream.setblocking(False)
        while True:
            ready = [upstream] if upstream.pending() else select.select([client, upstream], [], [], 300)[0]
            if not ready:
                return
            for s in ready:
                try:
                    data = s.recv(65536)
                except (ssl.SSLWantReadError, ssl.SSLWantWriteError):
                    continue
                if not data:
                    return
                if s is client:
                    upstream.setblocking(True)
                    upstream.sendall(data)
                    upstream.setblocking(False)
                else:
                    client.sendall(data)
    except OSError as e:  # ssl.SSLError included
        print(f"proxy: relay ended: {type(e).__name__}: {e}", file=sys.stderr, flush=True)
    finally:
        for s in (client, upstream):
            try:
                s.close()
            except OSError:
                pass


def proxy(args):
    ctx = context(args)
    listener = socket.create_server(("127.0.0.1", 0), backlog=128)

    def connect(client):
        # Under a loaded machine a handshake can fail or stall; try three times before giving up.
        for attempt in range(3):
            try:
                raw = socket.create_connection(("127.0.0.1", args.port), timeout=60)
                upstream = ctx.wrap_socket(raw, server_hostname="localhost")
                upstream.settimeout(None)
                relay(client, upstream)
                return
            except (ssl.SSLError, OSError) as e:
                print(f"proxy: upstream handshake failed (attempt {attempt + 1}): {type(e).__name__}: {e}",
                      file=sys.stderr, flush=True)
        client.close()

    def serve():
        while True:
            client, _ = listener.accept()
            threading.Thread(target=connect, args=(client,), daemon=True).start()

    threading.Thread(target=serve, daemon=True).start()
    print(json.dumps({"port": listener.getsockname()[1]}), flush=True)
    signal.pause()  # until SIGTERM (ChildProcess.stop)
    return None


def main():
    p = argparse.ArgumentParser()
    p.add_argument("command", choices=["get", "put", "reload", "proxy"])
    p.add_argument("port", type=int)
    p.add_argument("rest", nargs="*")
    p.add_argument("--ca")
    p.add_argument("--cert")
    p.add_argument("--key")
    p.add_argument("--tls12", action="store_true")
    p.add_argument("--alpn")
    p.add_argument("--dir")
    args = p.parse_args()
    if args.command == "get":
        args.path = args.rest[0]
    if args.command == "put":
        args.path, args.size = args.rest[0], int(args.rest[1])
    result = {"get": get, "put": put, "reload": reload, "proxy": proxy}[args.command](args)
    if result is not None:
        print(json.dumps(result))


if __name__ == "__main__":
    main()
