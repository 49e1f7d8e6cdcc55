#!/usr/bin/env python3
"""Python grpcio client side of scripts/bench-grpc.sh (the reference for the Swift client).

Usage: bench_client.py <port> <calls> <in-flight> [payload-bytes]
Same calls as Benchmarks/grpc-bench: unary /test.Echo/Unary over one grpc.aio channel with
<in-flight> outstanding; prints one line in the same format. CPU = getrusage(RUSAGE_SELF).
"""
import asyncio
import resource
import sys
import time

import grpc


def cpu_seconds():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


async def main(port, calls, in_flight, size):
    payload = b"a" * size
    async with grpc.aio.insecure_channel(f"127.0.0.1:{port}") as channel:
        unary = channel.unary_unary("/test.Echo/Unary", request_serializer=lambda b: b,
                                    response_deserializer=lambda b: b)
        for _ in range(200):
            await unary(payload)
        per_worker = calls // in_flight

        async def worker():
            for _ in range(per_worker):
                response = await unary(payload)
                assert len(response) == size

        cpu_start, start = cpu_seconds(), time.monotonic()
        await asyncio.gather(*(worker() for _ in range(in_flight)))
        seconds, cpu = time.monotonic() - start, cpu_seconds() - cpu_start
        done = per_worker * in_flight
        print(f"python in_flight={in_flight} calls={done} seconds={seconds:.2f} "
              f"calls_per_s={done / seconds:.0f} cpu_us_per_call={cpu / done * 1e6:.1f}", flush=True)


if __name__ == "__main__":
    a = sys.argv
    asyncio.run(main(int(a[1]), int(a[2]), int(a[3]), int(a[4]) if len(a) > 4 else 100))
