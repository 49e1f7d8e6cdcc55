"""A simulated peer: ledgers per channel, installed packages, commit of delivered blocks."""
import logging
import os

from . import lcstate, validator
from .blocks import tx_id_of
from .crypto import load_key
from .channelconfig import ChannelConfig
from .ledger import Ledger
from .lifecycle import Lifecycle
from .msp import MSP, MSPManager
from .packages import PackageStore
from .pb import common
from .signer import Signer
from .simulator import TxSimulator

log = logging.getLogger("fabsim.peer")


class Peer:
    def __init__(self, org, node, data_dir, network):
        self.org = org
        self.node = node
        self.name = node.name
        self.mspid = org.mspid
        self.network = network
        self.signer = Signer(org.mspid, node.sign_cert_pem, load_key(node.sign_key_pem))
        self.local_msps = MSPManager([MSP(org.mspid, [org.ca_cert_pem], [org.tlsca_cert_pem])])
        self.dir = os.path.join(data_dir, self.name)
        self.packages = PackageStore(os.path.join(self.dir, "packages"))
        self.lifecycle = Lifecycle(self)
        self.ledgers = {}
        self.channels = {}
        self.running = True
        self.port = 0

    def join(self, channel, genesis_block):
        # commit() hands the ledger only the private writes this peer keeps (_keeps).
        led = Ledger(os.path.join(self.dir, "ledgers", channel), pvt_member=lambda coll: True)
        if led.height == 0:
            gb = common.Block()
            gb.CopyFrom(genesis_block)
            gb.metadata.metadata[common.TRANSACTIONS_FILTER] = bytes([0])
            led.append(gb)
        self.ledgers[channel] = led
        self.channels[channel] = ChannelConfig.from_block(channel, led.block(0))

    def query_sim(self, channel):
        return TxSimulator(self.ledgers[channel])

    def commit(self, channel, block):
        """Validate an orderer block and append it with our validation codes."""
        led = self.ledgers.get(channel)
        if led is None or block.header.number != led.height:
            return
        codes = validator.validate_block(self.channels[channel], led, block)
        b = common.Block()
        b.CopyFrom(block)
        b.metadata.metadata[common.TRANSACTIONS_FILTER] = bytes(codes)
        pvt = {}
        for i, env in enumerate(block.data.data):
            writes = self.network.transient.get(tx_id_of(env))
            if writes and codes[i] == 0:
                own = [w for w in writes if self._keeps(led, w[0], w[1])]
                if own:
                    pvt[i] = own
        led.append(b, pvt)

    def _keeps(self, led, ns, coll):
        """Whether this peer stores a collection's private data: its own implicit collection,
        or a chaincode's collection whose member policy names this peer's org
        (core/common/privdata/collection.go MemberOrgs: the MSP IDs of the policy's roles)."""
        if ns == lcstate.NS:
            return coll == lcstate.implicit_collection(self.mspid)
        d = lcstate.committed(TxSimulator(led), ns)
        for c in (d.collections_msg().config if d is not None and d.collections else []):
            s = c.static_collection_config
            if s.name == coll:
                return self.mspid in lcstate.role_msp_ids(s.member_orgs_policy.signature_policy)
        return False

    def catch_up(self, orderer):
        for ch, led in self.ledgers.items():
            oled = orderer.ledgers.get(ch)
            while oled is not None and led.height < oled.height:
                self.commit(ch, oled.block(led.height))
