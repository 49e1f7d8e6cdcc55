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

    def describe(self):
        with self.lock:
            return {"latencyMs": self.latency_ms, "failNext": self.fail_next,
                    "failCode": self.fail_code.name, "dropAfter": self.drop_after}

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

            def ss(it, ctx):
                f.before(ctx)
                n = f.take_drop()
                for i, m in enumerate(inner(it, ctx)):
                    if n is not None and i >= n:
                        ctx.abort(grpc.StatusCode.UNAVAILABLE, "fabric-sim: connection dropped")
                    yield m
            return grpc.stream_stream_rpc_method_handler(ss, h.request_deserializer, h.response_serializer)
        return h
