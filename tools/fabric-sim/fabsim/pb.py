"""One place that imports the official generated Fabric messages (fabric_protos wheel)."""
from fabric_protos.common import common_pb2 as common
from fabric_protos.common import configtx_pb2 as configtx
from fabric_protos.common import configuration_pb2 as commoncfg
from fabric_protos.common import policies_pb2 as policies
from fabric_protos.common import ledger_pb2 as ledger
from fabric_protos.msp import identities_pb2 as identities
from fabric_protos.msp import msp_config_pb2 as mspcfg
from fabric_protos.msp import msp_principal_pb2 as principal
from fabric_protos.orderer import ab_pb2 as ab
from fabric_protos.orderer import ab_pb2_grpc as ab_grpc
from fabric_protos.orderer import configuration_pb2 as orderercfg
from fabric_protos.peer import chaincode_pb2 as chaincode
from fabric_protos.peer import chaincode_event_pb2 as ccevent
from fabric_protos.peer import configuration_pb2 as peercfg
from fabric_protos.peer import events_pb2 as events
from fabric_protos.peer import events_pb2_grpc as events_grpc
from fabric_protos.peer import peer_pb2_grpc as peer_grpc
from fabric_protos.peer import policy_pb2 as peerpolicy
from fabric_protos.peer import collection_pb2 as collection
from fabric_protos.peer import proposal_pb2 as proposal
from fabric_protos.peer import proposal_response_pb2 as presp
from fabric_protos.peer import query_pb2 as query
from fabric_protos.peer import transaction_pb2 as transaction
from fabric_protos.peer.lifecycle import lifecycle_pb2 as lifecycle
from fabric_protos.peer.lifecycle import db_pb2 as lcdb
from fabric_protos.peer.lifecycle import chaincode_definition_pb2 as lcdef
from fabric_protos.gateway import gateway_pb2 as gateway
from fabric_protos.gateway import gateway_pb2_grpc as gateway_grpc
from fabric_protos.ledger.rwset import rwset_pb2 as rwset
from fabric_protos.ledger.rwset.kvrwset import kv_rwset_pb2 as kvrwset

__all__ = [n for n in dir() if not n.startswith("_")]
