"""Transaction simulator: records reads (with versions) and writes into a real TxReadWriteSet."""
import hashlib

from .pb import kvrwset, rwset


def _ver(v):
    return kvrwset.Version(block_num=v[0], tx_num=v[1]) if v else None


class TxSimulator:
    def __init__(self, ledger):
        self.ledger = ledger
        self.reads = {}      # ns -> key -> version|None
        self.writes = {}     # ns -> key -> value|None(delete)
        self.hreads = {}     # (ns, coll) -> keyhash -> version|None
        self.pwrites = {}    # (ns, coll) -> key -> value|None
        self.preads = set()  # (ns, coll) read with GetPrivateData (ledger TxSimulationResults.PrivateReads)

    # public state
    def get_state(self, ns, key):
        if key in self.writes.get(ns, {}):
            return self.writes[ns][key]
        cur = self.ledger.get(ns, key)
        self.reads.setdefault(ns, {}).setdefault(key, cur[1] if cur else None)
        return cur[0] if cur else None

    def put_state(self, ns, key, value: bytes):
        self.writes.setdefault(ns, {})[key] = value

    def del_state(self, ns, key):
        self.writes.setdefault(ns, {})[key] = None

    def range(self, ns, start, end):
        out = []
        for k, (v, ver) in self.ledger.range(ns, start, end):
            self.reads.setdefault(ns, {}).setdefault(k, ver)
            out.append((k, v))
        return out

    # private data (implicit collections and chaincodes' collections)
    def get_private(self, ns, coll, key):
        self.preads.add((ns, coll))
        if key in self.pwrites.get((ns, coll), {}):
            return self.pwrites[(ns, coll)][key]
        cur = self.ledger.get_private(ns, coll, key)
        kh = hashlib.sha256(key.encode()).digest()
        self.hreads.setdefault((ns, coll), {}).setdefault(kh, cur[1] if cur else None)
        return cur[0] if cur else None

    def get_private_hash(self, ns, coll, key):
        """Like GetPrivateDataHash: records a hashed read (so concurrent approvals can MVCC-conflict)."""
        cur = self.ledger.get_hashed(ns, coll, key)
        kh = hashlib.sha256(key.encode()).digest()
        self.hreads.setdefault((ns, coll), {}).setdefault(kh, cur[1] if cur else None)
        return cur[0] if cur else None

    def put_private(self, ns, coll, key, value: bytes):
        self.pwrites.setdefault((ns, coll), {})[key] = value

    # results
    def results(self) -> bytes:
        nss = sorted(set(self.reads) | set(self.writes) | {ns for ns, _ in self.hreads}
                     | {ns for ns, _ in self.pwrites})
        out = rwset.TxReadWriteSet(data_model=rwset.TxReadWriteSet.KV)
        for ns in nss:
            kv = kvrwset.KVRWSet()
            for k, v in sorted(self.reads.get(ns, {}).items()):
                r = kv.reads.add(key=k)
                if v:
                    r.version.CopyFrom(_ver(v))
            for k, v in sorted(self.writes.get(ns, {}).items()):
                kv.writes.add(key=k, is_delete=v is None, value=v or b"")
            nsr = out.ns_rwset.add(namespace=ns, rwset=kv.SerializeToString())
            colls = sorted({c for n, c in self.hreads if n == ns} | {c for n, c in self.pwrites if n == ns})
            for c in colls:
                h = kvrwset.HashedRWSet()
                for kh, v in sorted(self.hreads.get((ns, c), {}).items()):
                    r = h.hashed_reads.add(key_hash=kh)
                    if v:
                        r.version.CopyFrom(_ver(v))
                pv = kvrwset.KVRWSet()
                for k, v in sorted(self.pwrites.get((ns, c), {}).items()):
                    h.hashed_writes.add(key_hash=hashlib.sha256(k.encode()).digest(), is_delete=v is None,
                                        value_hash=hashlib.sha256(v).digest() if v is not None else b"")
                    pv.writes.add(key=k, is_delete=v is None, value=v or b"")
                nsr.collection_hashed_rwset.add(
                    collection_name=c, hashed_rwset=h.SerializeToString(),
                    pvt_rwset_hash=hashlib.sha256(pv.SerializeToString()).digest() if self.pwrites.get((ns, c)) else b"")
        return out.SerializeToString()

    def interest_calls(self, skip):
        """[(chaincode, collection | "", no_private_reads)] as core/endorser/endorser.go
        buildChaincodeInterest derives them (no key-level policies here): a namespace written
        publicly, or only read, needs its chaincode's policy; each collection written or read
        needs its own (no_private_reads when it was only written); namespaces in `skip` (system
        chaincodes) are left out. Sorted (Fabric iterates Go maps, in no fixed order)."""
        required = {}
        for ns in self.writes:
            required.setdefault(ns, {})[""] = True
        for ns, coll in self.pwrites:
            required.setdefault(ns, {"": False})[coll] = True
        for ns in set(self.reads) | {ns for ns, _ in self.hreads}:
            required.setdefault(ns, {"": True})
        for ns, coll in self.preads:
            required.setdefault(ns, {})[coll] = True
        out = []
        for ns in sorted(required):
            if ns in skip:
                continue
            for coll in sorted(required[ns]):
                if coll == "":
                    if required[ns][""]:
                        out.append((ns, "", False))
                else:
                    out.append((ns, coll, (ns, coll) not in self.preads))
        return out

    def private_writes(self):
        return [(ns, c, k, v) for (ns, c), kv in sorted(self.pwrites.items()) for k, v in sorted(kv.items())]
