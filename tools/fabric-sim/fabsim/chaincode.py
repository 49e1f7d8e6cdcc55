"""Built-in sample chaincode: asset-transfer-basic (fabric-samples), JSON assets."""
import json

INIT_KEY = "\x00\U0010ffffinitialized"   # core/chaincode/chaincode_support.go InitializedKeyName


class ChaincodeError(Exception):
    pass


def _asset(id_, color, size, owner, value):
    return {"AppraisedValue": int(value), "Color": color, "ID": id_, "Owner": owner, "Size": int(size)}


def _dump(obj) -> bytes:
    return json.dumps(obj, sort_keys=True, separators=(",", ":")).encode()


class Context:
    """What a chaincode reaches besides its namespace: the names of the collections its
    definition configures (None: no collection config) and `invoke(chaincode, args)`, a
    chaincode-to-chaincode call on the same channel returning (status, message, payload)."""

    def __init__(self, collections=None, invoke=None):
        self.collections, self.invoke = collections, invoke


class AssetTransfer:
    """Functions of asset-transfer-basic; `stub` is (simulator, namespace), `ctx` a Context."""

    def __init__(self, sim, ns, ctx=None):
        self.sim, self.ns, self.ctx = sim, ns, ctx or Context()

    def _get(self, k):
        return self.sim.get_state(self.ns, k)

    def _exists(self, k):
        return self._get(k) is not None

    def InitLedger(self):
        for a in (_asset("asset1", "blue", 5, "Tomoko", 300), _asset("asset2", "red", 5, "Brad", 400),
                  _asset("asset3", "green", 10, "Jin Soo", 500), _asset("asset4", "yellow", 10, "Max", 600),
                  _asset("asset5", "black", 15, "Adriana", 700), _asset("asset6", "white", 15, "Michel", 800)):
            self.sim.put_state(self.ns, a["ID"], _dump(a))
        return b""

    def CreateAsset(self, id_, color, size, owner, value):
        if self._exists(id_):
            raise ChaincodeError(f"the asset {id_} already exists")
        self.sim.put_state(self.ns, id_, _dump(_asset(id_, color, size, owner, value)))
        return b""

    def ReadAsset(self, id_):
        v = self._get(id_)
        if v is None:
            raise ChaincodeError(f"the asset {id_} does not exist")
        return v

    def UpdateAsset(self, id_, color, size, owner, value):
        if not self._exists(id_):
            raise ChaincodeError(f"the asset {id_} does not exist")
        self.sim.put_state(self.ns, id_, _dump(_asset(id_, color, size, owner, value)))
        return b""

    def DeleteAsset(self, id_):
        if not self._exists(id_):
            raise ChaincodeError(f"the asset {id_} does not exist")
        self.sim.del_state(self.ns, id_)
        return b""

    def AssetExists(self, id_):
        return b"true" if self._exists(id_) else b"false"

    def TransferAsset(self, id_, new_owner):
        a = json.loads(self.ReadAsset(id_))
        old = a["Owner"]
        a["Owner"] = new_owner
        self.sim.put_state(self.ns, id_, _dump(a))
        return old.encode()

    def GetAllAssets(self):
        out = [json.loads(v) for k, v in self.sim.range(self.ns, "", "") if not k.startswith("\x00")]
        return _dump(out)

    # Not in asset-transfer-basic: private data (as asset-transfer-private-data uses it) and a
    # chaincode-to-chaincode call, so the simulator's read-write sets, ChaincodeInterest and
    # validation cover collections with their own endorsement policies and cc2cc calls.
    def _collection(self, name):
        # core/ledger/ledger_interface.go CollConfigNotDefinedError / InvalidCollNameError
        if self.ctx.collections is None:
            raise ChaincodeError(f"collection config not defined for chaincode [{self.ns}], pass the collection "
                                 "configuration upon chaincode definition/instantiation")
        if name not in self.ctx.collections:
            raise ChaincodeError(f"collection [{name}] not defined in the collection config for chaincode [{self.ns}]")

    def PutPrivate(self, collection, key, value):
        self._collection(collection)
        self.sim.put_private(self.ns, collection, key, value.encode())
        return b""

    def ReadPrivate(self, collection, key):
        self._collection(collection)
        v = self.sim.get_private(self.ns, collection, key)
        if v is None:
            raise ChaincodeError(f"the asset {key} does not exist")
        return v

    def InvokeChaincode(self, chaincode, function, *args):
        if self.ctx.invoke is None:
            raise ChaincodeError("chaincode-to-chaincode calls are not available here")
        status, message, payload = self.ctx.invoke(chaincode, [function.encode()] + [a.encode() for a in args])
        if status >= 400:
            raise ChaincodeError(f"{chaincode}: {message}")
        return payload


FUNCTIONS = {"InitLedger": 0, "CreateAsset": 5, "ReadAsset": 1, "UpdateAsset": 5, "DeleteAsset": 1,
             "AssetExists": 1, "TransferAsset": 2, "GetAllAssets": 0,
             "PutPrivate": 3, "ReadPrivate": 2, "InvokeChaincode": -2}   # -n: at least n


def invoke(sim, ns, args, ctx=None):
    """Run a function; returns (status, message, payload) like a shim Response."""
    if not args:
        return 500, "no function name given", b""
    fn = args[0].decode(errors="replace")
    params = [a.decode(errors="replace") for a in args[1:]]
    if fn not in FUNCTIONS:
        return 500, f"Function {fn} not found in contract SmartContract", b""
    want = FUNCTIONS[fn]
    if len(params) != want and not (want < 0 and len(params) >= -want):
        return 500, f"Expected {abs(want)} parameters, but {len(params)} have been supplied", b""
    try:
        return 200, "", getattr(AssetTransfer(sim, ns, ctx), fn)(*params)
    except (ChaincodeError, ValueError) as e:
        return 500, str(e), b""
