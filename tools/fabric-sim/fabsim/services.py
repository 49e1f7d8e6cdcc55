"""gRPC servicers binding the node logic to the official generated stubs."""
import grpc

from . import deliver
from .discovery import Discovery, DiscoveryError
from .endorser import EndorserError
from .gateway_errors import GatewayError
from .pb import ab, ab_grpc, events, events_grpc, gateway_grpc, peer_grpc
from fabric_protos.discovery import protocol_pb2_grpc as discovery_grpc


class EndorserServicer(peer_grpc.EndorserServicer):
    def __init__(self, peer):
        self.peer = peer

    def ProcessProposal(self, request, context):
        try:
            return self.peer.endorser.process(request)
        except EndorserError as e:
            context.abort(grpc.StatusCode.UNKNOWN, str(e))


class PeerDeliverServicer(events_grpc.DeliverServicer):
    def __init__(self, peer, mutual_tls):
        self.peer = peer
        self.src = deliver.DeliverSource(peer.channels, peer.ledgers, "/Channel/Application/Readers",
                                         mutual_tls, lambda: peer.running)

    def Deliver(self, request_iterator, context):
        yield from deliver.serve(self.src, request_iterator, context,
                                 lambda b, ch: events.DeliverResponse(block=b),
                                 lambda s: events.DeliverResponse(status=s))

    def DeliverFiltered(self, request_iterator, context):
        yield from deliver.serve(self.src, request_iterator, context,
                                 lambda b, ch: events.DeliverResponse(filtered_block=deliver.filtered(b, ch)),
                                 lambda s: events.DeliverResponse(status=s))

    def DeliverWithPrivateData(self, request_iterator, context):
        yield from deliver.serve(self.src, request_iterator, context,
                                 lambda b, ch: events.DeliverResponse(
                                     block_and_private_data=events.BlockAndPrivateData(block=b)),
                                 lambda s: events.DeliverResponse(status=s))


class GatewayServicer(gateway_grpc.GatewayServicer):
    def __init__(self, gateway):
        self.gw = gateway

    def _call(self, context, fn, *args):
        try:
            return fn(*args)
        except GatewayError as e:
            if e.details:
                context.set_trailing_metadata([("grpc-status-details-bin", e.status_details_bin())])
            context.abort(e.code, str(e))
        except EndorserError as e:
            context.abort(grpc.StatusCode.FAILED_PRECONDITION, str(e))

    def Evaluate(self, request, context):
        return self._call(context, self.gw.evaluate, request)

    def Endorse(self, request, context):
        return self._call(context, self.gw.endorse, request)

    def Submit(self, request, context):
        return self._call(context, self.gw.submit, request)

    def CommitStatus(self, request, context):
        remaining = context.time_remaining()
        timeout = min(remaining, 3600) if remaining is not None else 3600
        return self._call(context, self.gw.commit_status, request, timeout)


class AtomicBroadcastServicer(ab_grpc.AtomicBroadcastServicer):
    def __init__(self, orderer, mutual_tls):
        self.o = orderer
        self.src = deliver.DeliverSource(orderer.channels, orderer.ledgers, "/Channel/Readers",
                                         mutual_tls, lambda: orderer.running)

    def Broadcast(self, request_iterator, context):
        for env in request_iterator:
            status, info = self.o.broadcast(env)
            yield ab.BroadcastResponse(status=status, info=info)
            if status != 200:
                return

    def Deliver(self, request_iterator, context):
        yield from deliver.serve(self.src, request_iterator, context,
                                 lambda b, ch: ab.DeliverResponse(block=b),
                                 lambda s: ab.DeliverResponse(status=s))


class DiscoveryServicer(discovery_grpc.DiscoveryServicer):
    """discovery/service.go Discover: whole-call errors are plain Go errors (gRPC UNKNOWN)."""

    def __init__(self, peer, network):
        self.service = Discovery(peer, network)

    def Discover(self, request, context):
        try:
            return self.service.discover(request, deliver.client_cert_hash(context))
        except DiscoveryError as e:
            context.abort(grpc.StatusCode.UNKNOWN, str(e))
