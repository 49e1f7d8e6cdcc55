"""A peer's (or the orderer's) ledger for one channel: blocks, world state, tx index.

Blocks are persisted one file each; private data per block. State is rebuilt on start
by replaying committed blocks (VALID transactions only, per the stored TRANSACTIONS_FILTER).
"""
import base64
import hashlib
import json
import os
import threading

from . import blocks as blk
from . import txparse
from .pb import common, transaction


class Ledger:
    def __init__(self, directory: str, pvt_member=lambda coll: False, state=True):
        self.dir = directory
        self.state = state
        self.pvt_member = pvt_member
        os.makedirs(os.path.join(directory, "blocks"), exist_ok=True)
        os.makedirs(os.path.join(directory, "pvt"), exist_ok=True)
        self.cond = threading.Condition(threading.RLock())
        self.blocks = []
        self.public = {}       # ns -> key -> (value, (blk, tx))
        self.hashed = {}       # (ns, coll) -> keyhash -> (valuehash, ver)
        self.private = {}      # (ns, coll) -> key -> (value, ver)
        self.txids = {}        # txid -> (block number, tx index, code)
        self._load()

    # ------------------------------------------------------------ persistence
    def _block_path(self, n):
        return os.path.join(self.dir, "blocks", f"{n:010d}.block")

    def _load(self):
        n = 0
        while os.path.exists(self._block_path(n)):
            with open(self._block_path(n), "rb") as f:
                b = common.Block.FromString(f.read())
            pvt = {}
            p = os.path.join(self.dir, "pvt", f"{n}.json")
            if os.path.exists(p):
                with open(p) as f:
                    pvt = {int(k): [(w[0], w[1], w[2], None if w[3] is None else base64.b64decode(w[3]))
                                    for w in v] for k, v in json.load(f).items()}
            self._apply(b, pvt)
            n += 1

    @property
    def height(self):
        return len(self.blocks)

    def append(self, block, pvt=None):
        """Persist and apply a block whose metadata already holds the validation codes."""
        pvt = pvt or {}
        with self.cond:
            if block.header.number != self.height:
                return
            if pvt:
                with open(os.path.join(self.dir, "pvt", f"{block.header.number}.json"), "w") as f:
                    json.dump({k: [(a, b, c, None if d is None else base64.b64encode(d).decode())
                                   for a, b, c, d in v] for k, v in pvt.items()}, f)
            tmp = self._block_path(block.header.number) + ".tmp"
            with open(tmp, "wb") as f:
                f.write(block.SerializeToString())
            os.replace(tmp, self._block_path(block.header.number))
            self._apply(block, pvt)
            self.cond.notify_all()

    def _apply(self, block, pvt):
        n = block.header.number
        codes = block.metadata.metadata[common.TRANSACTIONS_FILTER] if len(block.metadata.metadata) > 2 else b""
        for i, env in enumerate(block.data.data):
            code = codes[i] if i < len(codes) else transaction.VALID
            txid = blk.tx_id_of(env)
            if txid and txid not in self.txids:
                self.txids[txid] = (n, i, code)
            if code != transaction.VALID or not self.state:
                continue
            tx = txparse.parse(env)
            if tx is None or tx.rwset is None:
                continue
            self._apply_rwset(tx.rwset, (n, i), pvt.get(i, []))
        self.blocks.append(block)

    def _apply_rwset(self, rws, ver, pvt_writes):
        for ns in rws.ns_rwset:
            kv = txparse.kvrwset_of(ns)
            space = self.public.setdefault(ns.namespace, {})
            for w in kv.writes:
                if w.is_delete:
                    space.pop(w.key, None)
                else:
                    space[w.key] = (w.value, ver)
            for ch in ns.collection_hashed_rwset:
                hs = self.hashed.setdefault((ns.namespace, ch.collection_name), {})
                for w in txparse.hashed_of(ch).hashed_writes:
                    if w.is_delete:
                        hs.pop(w.key_hash, None)
                    else:
                        hs[w.key_hash] = (w.value_hash, ver)
        for ns, coll, key, value in pvt_writes:
            if not self.pvt_member(coll):
                continue
            ps = self.private.setdefault((ns, coll), {})
            if value is None:
                ps.pop(key, None)
            else:
                ps[key] = (value, ver)

    # ------------------------------------------------------------ queries
    def get(self, ns, key):
        with self.cond:
            return self.public.get(ns, {}).get(key)

    def get_hashed(self, ns, coll, key):
        with self.cond:
            return self.hashed.get((ns, coll), {}).get(hashlib.sha256(key.encode()).digest())

    def get_private(self, ns, coll, key):
        with self.cond:
            return self.private.get((ns, coll), {}).get(key)

    def range(self, ns, start, end):
        with self.cond:
            items = sorted(self.public.get(ns, {}).items())
        return [(k, v) for k, v in items if k >= start and (not end or k < end)]

    def block(self, n):
        with self.cond:
            return self.blocks[n] if 0 <= n < len(self.blocks) else None

    def wait_for_height(self, h, timeout):
        with self.cond:
            return self.cond.wait_for(lambda: self.height >= h, timeout)

    def wait_for_tx(self, txid, timeout):
        with self.cond:
            self.cond.wait_for(lambda: txid in self.txids, timeout)
            return self.txids.get(txid)
