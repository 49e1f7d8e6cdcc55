"""A single-node orderer: Broadcast validation, block cutting, distribution to peers."""
import logging
import os
import threading
import time

from . import blocks
from .channelconfig import ChannelConfig
from .ledger import Ledger
from .pb import common
from .policy import PolicyError

log = logging.getLogger("fabsim.orderer")
MAX_TX = 10
BATCH_TIMEOUT = 0.2
ABSOLUTE_MAX_BYTES = 10 * 1024 * 1024


class Orderer:
    def __init__(self, org, node, data_dir, network):
        from .crypto import load_key
        from .signer import Signer
        self.org, self.node, self.name = org, node, node.name
        self.mspid = org.mspid
        self.network = network
        self.signer = Signer(org.mspid, node.sign_cert_pem, load_key(node.sign_key_pem))
        self.dir = os.path.join(data_dir, self.name)
        self.ledgers, self.channels, self.pending = {}, {}, {}
        self.lock = threading.Condition()
        self.running = True
        self.stopping = False
        self.port = 0
        self.thread = threading.Thread(target=self._cutter, name="orderer-cutter", daemon=True)

    def create_channel(self, channel, genesis_block):
        led = Ledger(os.path.join(self.dir, "ledgers", channel), state=False)
        if led.height == 0:
            led.append(genesis_block)
        self.ledgers[channel] = led
        self.channels[channel] = ChannelConfig.from_block(channel, led.block(0))
        self.pending[channel] = []

    def start(self):
        self.thread.start()

    def stop(self):
        with self.lock:
            self.stopping = True
            self.lock.notify_all()

    def broadcast(self, env) -> "tuple[int, str]":
        """Validate and enqueue one envelope; returns (common.Status, info)."""
        if not self.running:
            return common.SERVICE_UNAVAILABLE, "orderer is stopped"
        if not env.payload:
            return common.BAD_REQUEST, "Message was empty"
        try:
            p = common.Payload.FromString(env.payload)
            chdr = common.ChannelHeader.FromString(p.header.channel_header)
            shdr = common.SignatureHeader.FromString(p.header.signature_header)
        except Exception as e:  # noqa: BLE001
            return common.BAD_REQUEST, f"bad payload: {e}"
        cfg = self.channels.get(chdr.channel_id)
        if cfg is None:
            return common.BAD_REQUEST, ("channel creation request not allowed because the orderer "
                                        "system channel is not defined")
        if chdr.type != common.ENDORSER_TRANSACTION:
            return common.BAD_REQUEST, f"message of type {common.HeaderType.Name(chdr.type)} is not supported by fabric-sim"
        size = len(env.SerializeToString())
        if size > ABSOLUTE_MAX_BYTES:
            return common.BAD_REQUEST, (f"message payload is {size} bytes and exceeds maximum allowed "
                                        f"{ABSOLUTE_MAX_BYTES} bytes")
        try:
            cfg.evaluate("/Channel/Writers", cfg.identities([(env.payload, shdr.creator, env.signature)]))
        except PolicyError as e:
            return common.FORBIDDEN, f"{e}: permission denied"
        with self.lock:
            self.pending[chdr.channel_id].append((time.monotonic(), env.SerializeToString()))
            self.lock.notify_all()
        return common.SUCCESS, ""

    def _cutter(self):
        while True:
            with self.lock:
                if self.stopping:
                    return
                now = time.monotonic()
                ready = [ch for ch, q in self.pending.items()
                         if q and (len(q) >= MAX_TX or now - q[0][0] >= BATCH_TIMEOUT)]
                if not ready:
                    waits = [BATCH_TIMEOUT - (now - q[0][0]) for q in self.pending.values() if q]
                    self.lock.wait(max(0.005, min(waits)) if waits else 1.0)
                    continue
                batches = {ch: self.pending[ch][:MAX_TX] for ch in ready}
                for ch in ready:
                    self.pending[ch] = self.pending[ch][MAX_TX:]
            for ch, batch in batches.items():
                self._cut(ch, [e for _, e in batch])

    def _cut(self, ch, envs):
        led = self.ledgers[ch]
        prev = led.block(led.height - 1)
        b = blocks.make_block(led.height, blocks.header_hash(prev.header), envs)
        blocks.sign_block(b, self.signer)
        led.append(b)
        for peer in self.network.peers:
            if peer.running:
                try:
                    peer.commit(ch, b)
                except Exception:  # noqa: BLE001
                    log.exception("peer %s failed to commit block %d", peer.name, b.header.number)
