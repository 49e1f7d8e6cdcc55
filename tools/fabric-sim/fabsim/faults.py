"""Fault injection: a gRPC server interceptor per node, driven by the control endpoint."""
import threading
import time

import grpc


class Faults:
    def __init__(self):
        self.lock = threading.Lock()
        self.clear()

    def clear(self):
        with self.lock:
            self.latency_ms = 0
            self.fail_next = 0
            self.fail_code = grpc.StatusCode.UNAVAILABLE
            self.fail_message = "fabric-sim: injected failure"
            self.drop_after = None    # next stream is aborted after this many messages
            self.skip_blocks = 0      # this many blocks are left out of Deliver streams (a gap)

    def set(self, spec: dict):
        with self.lock:
            if "latencyMs" in spec:
                self.latency_ms = int(spec["latencyMs"])
            if "failNext" in spec:
                self.fail_next = int(spec["failNext"])
            if "failCode" in spec:
                self.fail_code = grpc.StatusCode[spec["failCode"]]
            if "failMessage" in spec:
                self.fail_message = spec["failMessage"]
            if "dropAfter" in spec:
                self.drop_after = None if spec["dropAfter"] is None else int(spec["dropAfter"])
            if "skipBlocks" in spec:
                self.skip_blocks = int(spec["skipBlocks"])

    def describe(self):
        with self.lock:
            return {"latencyMs": self.latency_ms, "failNext": self.fail_next,
                    "failCode": self.fail_code.name, "dropAfter": self.drop_after,
                    "skipBlocks": self.skip_blocks}

    def before(self, context):
        with self.lock:
            delay = self.latency_ms / 1000.0
            fail = self.fail_next > 0
            if fail:
                self.fail_next -= 1
            code, msg = self.fail_code, self.fail_message
        if delay:
            time.sleep(delay)
        if fail:
            context.abort(code, msg)

    def take_skip(self):
        """True (once per unit of skip_blocks) when the block about to be sent is to be left out."""
        with self.lock:
            if self.skip_blocks <= 0:
                return False
            self.skip_blocks -= 1
            return True

    def take_drop(self):
        with self.lock:
            n, self.drop_after = self.drop_after, None
            return n


class FaultInterceptor(grpc.ServerInterceptor):
    def __init__(self, faults: Faults):
        self.faults = faults

    def intercept_service(self, continuation, details):
        h = continuation(details)
        if h is None:
            return None
        f = self.faults
        if h.unary_unary:
            inner = h.unary_unary

            def uu(req, ctx):
                f.before(ctx)
                return inner(req, ctx)
            return grpc.unary_unary_rpc_method_handler(uu, h.request_deserializer, h.response_serializer)
        if h.stream_stream:
            inner = h.stream_stream

            # Only full-block Deliver streams lose blocks: clients waiting on DeliverFiltered
            # for their own transactions are not the ones under test.
            skips = details.method == "/protos.Deliver/Deliver"

            def ss(it, ctx):
                f.before(ctx)
                n = f.take_drop()
                for i, m in enumerate(inner(it, ctx)):
                    if n is not None and i >= n:
                        ctx.abort(grpc.StatusCode.UNAVAILABLE, "fabric-sim: connection dropped")
                    if skips and m.WhichOneof("Type") == "block" and f.take_skip():
                        continue
                    yield m
            return grpc.stream_stream_rpc_method_handler(ss, h.request_deserializer, h.response_serializer)
        return h
