"""The TLS end of a node in `--tls` mode: requests a client certificate without verifying it.

A Fabric peer or orderer with TLS on and `clientAuthRequired: false` (the default, and the test
network's) uses Go's `tls.RequestClientCert` (internal/pkg/comm/server.go NewGRPCServerFromListener):
it asks every client for a certificate, accepts any (self-signed, unknown issuer, expired) and also
accepts none. Services then see the certificate the connection presented: discovery/service.go
validateStructure compares SHA-256 of its DER with `AuthInfo.client_tls_cert_hash`.

grpcio offers only "don't request" or "request, require and verify", so in this mode each node's
gRPC server listens in plaintext on an internal loopback port and a `TlsFront` terminates TLS on
the node's advertised port (pyOpenSSL, one selector thread per node), piping bytes both ways.
Each backend connection is bound to its own local port before it connects, and `cert_hash(peer)`
answers, for grpc's `context.peer()` ("ipv4:127.0.0.1:PORT"), the SHA-256 of the certificate the
client presented on that connection (None when it presented none).
"""
import hashlib
import logging
import selectors
import socket
import threading
import time

from OpenSSL import SSL, crypto

log = logging.getLogger("fabsim.tlsfront")

HANDSHAKE_TIMEOUT = 10.0   # a client that has not completed its handshake by then is dropped
BUF_LIMIT = 4 * 1024 * 1024  # per direction: stop reading a side while this much waits for the other
CHUNK = 256 * 1024

_hashes = {}                 # backend local port -> SHA-256 of the client's certificate DER (or None)
_hashes_lock = threading.Lock()


def cert_hash(peer):
    """SHA-256 of the client certificate of the connection grpc reports as `peer`, or None."""
    if not peer or not peer.startswith("ipv4:127.0.0.1:"):
        return None
    try:
        port = int(peer.rsplit(":", 1)[1])
    except ValueError:
        return None
    with _hashes_lock:
        return _hashes.get(port)


def _context(cert_pem, key_pem):
    ctx = SSL.Context(SSL.TLS_METHOD)
    ctx.set_min_proto_version(SSL.TLS1_2_VERSION)
    ctx.use_certificate(crypto.load_certificate(crypto.FILETYPE_PEM, cert_pem))
    ctx.use_privatekey(crypto.load_privatekey(crypto.FILETYPE_PEM, key_pem))
    ctx.check_privatekey()
    # tls.RequestClientCert: ask for a certificate; none is fine, and any that comes is accepted
    # (OpenSSL still checks the client's CertificateVerify, as Go does).
    ctx.set_verify(SSL.VERIFY_PEER, lambda conn, cert, errno, depth, ok: True)
    # server.go: SessionTicketsDisabled
    ctx.set_options(SSL.OP_NO_TICKET)
    ctx.set_session_cache_mode(SSL.SESS_CACHE_OFF)

    def alpn(conn, offered):
        return b"h2" if b"h2" in offered else SSL.NO_OVERLAPPING_PROTOCOLS
    ctx.set_alpn_select_callback(alpn)
    return ctx


class _Conn:
    """One client connection: TLS on `tls`, plaintext to the gRPC server on `back`."""

    def __init__(self, front, sock):
        self.front = front
        self.sock = sock
        self.tls = SSL.Connection(front.ctx, sock)
        self.tls.set_accept_state()
        self.back = None
        self.port = None
        self.deadline = time.monotonic() + HANDSHAKE_TIMEOUT
        self.to_back = bytearray()    # decrypted from the client, for the gRPC server
        self.to_client = bytearray()  # from the gRPC server, to encrypt for the client
        self.tls_wants_write = False  # the last TLS read or write needs the socket writable
        self.send_wants_read = False  # the last TLS write needs the socket readable
        self.closed = False
        self.events = {}

    # ---------------------------------------------------------------- handshake
    def handshake(self):
        try:
            self.tls.do_handshake()
        except SSL.WantReadError:
            self.tls_wants_write = False
            return False
        except SSL.WantWriteError:
            self.tls_wants_write = True
            return False
        cert = self.tls.get_peer_certificate(as_cryptography=True)
        digest = None
        if cert is not None:
            from cryptography.hazmat.primitives import serialization
            digest = hashlib.sha256(cert.public_bytes(serialization.Encoding.DER)).digest()
        back = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
            # bind first: the port is then unique among this process's sockets (the key of _hashes)
            back.bind(("127.0.0.1", 0))
            self.port = back.getsockname()[1]
            with _hashes_lock:
                _hashes[self.port] = digest
            back.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            back.settimeout(5)
            back.connect(("127.0.0.1", self.front.backend_port))
        except OSError as e:
            back.close()
            raise ConnectionError(f"backend: {e}") from e
        back.setblocking(False)
        self.back = back
        self.deadline = None
        self.tls_wants_write = False
        return True

    # ---------------------------------------------------------------- data
    def pump(self):
        """Moves whatever can move without blocking; raises ConnectionError when a side is done."""
        self.tls_wants_write = False
        progress = True
        while progress:
            progress = False
            # client -> backend
            while len(self.to_back) < BUF_LIMIT:
                try:
                    data = self.tls.recv(CHUNK)
                except SSL.WantReadError:
                    break
                except SSL.WantWriteError:
                    self.tls_wants_write = True
                    break
                except SSL.ZeroReturnError:
                    raise ConnectionError("client closed")
                except (SSL.SysCallError, SSL.Error) as e:
                    raise ConnectionError(f"client: {e}")
                if not data:
                    raise ConnectionError("client closed")
                self.to_back += data
                progress = True
            if self.to_back:
                try:
                    n = self.back.send(self.to_back)
                except (BlockingIOError, InterruptedError):
                    n = 0
                except OSError as e:
                    raise ConnectionError(f"backend: {e}")
                if n:
                    del self.to_back[:n]
                    progress = True
            # backend -> client
            while len(self.to_client) < BUF_LIMIT:
                try:
                    data = self.back.recv(CHUNK)
                except (BlockingIOError, InterruptedError):
                    break
                except OSError as e:
                    raise ConnectionError(f"backend: {e}")
                if not data:
                    self.flush_client()
                    raise ConnectionError("backend closed")
                self.to_client += data
                progress = True
            if self.to_client and self.send_client():
                progress = True

    def send_client(self):
        """One TLS write of the pending bytes; True when some went out."""
        self.send_wants_read = False
        try:
            n = self.tls.send(bytes(self.to_client[:CHUNK]))
        except SSL.WantWriteError:
            self.tls_wants_write = True
            return False
        except SSL.WantReadError:
            self.send_wants_read = True
            return False
        except (SSL.SysCallError, SSL.Error) as e:
            raise ConnectionError(f"client: {e}")
        self.tls_wants_write = False
        del self.to_client[:n]
        return n > 0

    def flush_client(self):
        """Best effort, without blocking: what the gRPC server sent before it closed (GOAWAY...)."""
        try:
            while self.to_client and self.send_client():
                pass
        except ConnectionError:
            pass

    # ---------------------------------------------------------------- registration
    def interest(self):
        """{socket: selector events} wanted now."""
        if self.back is None:
            return {self.sock: selectors.EVENT_WRITE if self.tls_wants_write else selectors.EVENT_READ}
        c = 0
        if len(self.to_back) < BUF_LIMIT or self.send_wants_read:
            c |= selectors.EVENT_READ
        if self.tls_wants_write or (self.to_client and not self.send_wants_read):
            c |= selectors.EVENT_WRITE
        b = 0
        if len(self.to_client) < BUF_LIMIT:
            b |= selectors.EVENT_READ
        if self.to_back:
            b |= selectors.EVENT_WRITE
        return {self.sock: c, self.back: b}

    def close(self):
        if self.closed:
            return
        self.closed = True
        if self.back is not None:
            try:
                self.tls.shutdown()   # close_notify, best effort
            except (SSL.Error, OSError):
                pass
            self.back.close()
        if self.port is not None:
            with _hashes_lock:
                _hashes.pop(self.port, None)
        self.sock.close()


class TlsFront:
    """Terminates TLS on 127.0.0.1:`port` for a gRPC server listening in plaintext on `backend_port`."""

    def __init__(self, name, port, backend_port, cert_pem, key_pem):
        self.name, self.port, self.backend_port = name, port, backend_port
        self.ctx = _context(cert_pem, key_pem)
        self.sel = selectors.DefaultSelector()
        self.listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", port))
        self.listener.listen(1024)
        self.listener.setblocking(False)
        self.wake_r, self.wake_w = socket.socketpair()
        self.wake_r.setblocking(False)
        self.commands = []
        self.lock = threading.Lock()
        self.conns = set()
        self.handshaking = set()      # the part of conns still in their TLS handshake
        self.sel.register(self.listener, selectors.EVENT_READ, None)
        self.sel.register(self.wake_r, selectors.EVENT_READ, None)
        self.thread = threading.Thread(target=self._run, name=f"tlsfront-{name}", daemon=True)
        self.running = True
        self.thread.start()

    # ---------------------------------------------------------------- control (other threads)
    def _command(self, cmd):
        if not self.thread.is_alive():
            return
        done = threading.Event()
        with self.lock:
            self.commands.append((cmd, done))
        try:
            self.wake_w.send(b"x")
        except OSError:
            return
        done.wait(10)

    def stop_accepting(self):
        """New connections are refused from now on; open ones go on."""
        if self.running:
            self._command("unlisten")

    def stop(self):
        """Refuses new connections, drops the open ones, ends the thread."""
        if self.running:
            self._command("stop")
            self.thread.join(10)

    # ---------------------------------------------------------------- loop
    def _run(self):
        try:
            self._loop()
        except Exception:  # noqa: BLE001 - the front must never die silently
            log.exception("tls front %s failed", self.name)
        finally:
            self.running = False
            self._close_all()
            self.sel.close()
            self.wake_r.close()
            self.wake_w.close()

    def _loop(self):
        while True:
            timeout = 1.0
            now = time.monotonic()
            for c in list(self.handshaking):
                if c.deadline <= now:
                    log.debug("%s: handshake timeout", self.name)
                    self._drop(c)
                else:
                    timeout = min(timeout, c.deadline - now)
            for key, mask in self.sel.select(timeout):
                sock, c = key.fileobj, key.data
                if c is not None:
                    if not c.closed:
                        self._service(c)
                elif sock is self.wake_r:
                    if self._commands():
                        return
                elif sock is self.listener:
                    self._accept()

    def _commands(self):
        """Runs queued commands; True when the loop is to end."""
        try:
            while self.wake_r.recv(4096):
                pass
        except BlockingIOError:
            pass
        with self.lock:
            cmds, self.commands = self.commands, []
        end = False
        for cmd, done in cmds:
            if cmd in ("unlisten", "stop"):
                self._unlisten()
            if cmd == "stop":
                self.running = False
                end = True
                self._close_all()
            done.set()
        return end

    def _unlisten(self):
        if self.listener is not None:
            self.sel.unregister(self.listener)
            self.listener.close()
            self.listener = None

    def _accept(self):
        for _ in range(64):
            try:
                sock, _ = self.listener.accept()
            except (BlockingIOError, InterruptedError):
                return
            except OSError as e:
                log.warning("%s: accept: %s", self.name, e)
                return
            sock.setblocking(False)
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            c = _Conn(self, sock)
            self.conns.add(c)
            self.handshaking.add(c)
            self._service(c)

    def _service(self, c):
        try:
            if c.back is None:
                if not c.handshake():
                    self._register(c)
                    return
                self.handshaking.discard(c)
            c.pump()
            self._register(c)
        except ConnectionError as e:
            log.debug("%s: %s", self.name, e)
            self._drop(c)
        except (SSL.Error, OSError) as e:   # handshake failures must not kill the front
            log.debug("%s: handshake: %s", self.name, e)
            self._drop(c)
        except Exception:  # noqa: BLE001 - nor anything else one connection does
            log.exception("%s: connection failed", self.name)
            self._drop(c)

    def _register(self, c):
        for sock, ev in c.interest().items():
            old = c.events.get(sock, 0)
            if ev == old:
                continue
            if old and ev:
                self.sel.modify(sock, ev, c)
            elif ev:
                self.sel.register(sock, ev, c)
            else:
                self.sel.unregister(sock)
            c.events[sock] = ev

    def _drop(self, c):
        for sock, ev in c.events.items():
            if ev:
                try:
                    self.sel.unregister(sock)
                except (KeyError, ValueError):
                    pass
        c.events = {}
        c.close()
        self.conns.discard(c)
        self.handshaking.discard(c)

    def _close_all(self):
        for c in list(self.conns):
            self._drop(c)
        self._unlisten()
