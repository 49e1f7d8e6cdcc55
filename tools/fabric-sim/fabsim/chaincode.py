"""Built-in sample chaincode: asset-transfer-basic (fabric-samples), JSON assets."""
import json

INIT_KEY = "\x00\U0010ffffinitialized"   # core/chaincode/chaincode_support.go InitializedKeyName


class ChaincodeError(Exception):
    pass


def _asset(id_, color, size, owner, value):
    return {"AppraisedValue": int(value), "Color": color, "ID": id_, "Owner": owner, "Size": int(size)}


def _dump(obj) -> bytes:
    return json.dumps(obj, sort_keys=True, separators=(",", ":")).encode()


class AssetTransfer:
    """Functions of asset-transfer-basic; `stub` is (simulator, namespace)."""

    def __init__(self, sim, ns):
        self.sim, self.ns = sim, ns

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


FUNCTIONS = {"InitLedger": 0, "CreateAsset": 5, "ReadAsset": 1, "UpdateAsset": 5, "DeleteAsset": 1,
             "AssetExists": 1, "TransferAsset": 2, "GetAllAssets": 0}


def invoke(sim, ns, args):
    """Run a function; returns (status, message, payload) like a shim Response."""
    if not args:
        return 500, "no function name given", b""
    fn = args[0].decode(errors="replace")
    params = [a.decode(errors="replace") for a in args[1:]]
    if fn not in FUNCTIONS:
        return 500, f"Function {fn} not found in contract SmartContract", b""
    if len(params) != FUNCTIONS[fn]:
        return 500, f"Expected {FUNCTIONS[fn]} parameters, but {len(params)} have been supplied", b""
    try:
        return 200, "", getattr(AssetTransfer(sim, ns), fn)(*params)
    except (ChaincodeError, ValueError) as e:
        return 500, str(e), b""
