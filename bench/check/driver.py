"""The load for bench/check/main.ts from grpcio's C core (Debian's python3-grpcio), which spends
less CPU per call than a grpc-js client, so that on a two-core machine the server, not the driver,
is what runs out. Requests arrive already serialised (one per line of a file, base64), so no
generated stubs are needed. The method is Warden's Check unless the job names another ("method",
as bench/inprocess.ts does for its echo service). Prints one JSON object: calls, errors, seconds, p50, p99 (µs), cpu."""
import asyncio, base64, json, resource, sys, time

import grpc

job = json.loads(sys.argv[1])
requests = [base64.b64decode(line) for line in open(job["requestsFile"]) if line.strip()]
creds = grpc.ssl_channel_credentials(
    root_certificates=open(job["tls"]["ca"], "rb").read(),
    private_key=open(job["tls"]["clientKey"], "rb").read(),
    certificate_chain=open(job["tls"]["clientCert"], "rb").read(),
)
options = [("grpc.ssl_target_name_override", "localhost"), ("grpc.default_authority", "localhost"), ("grpc.use_local_subchannel_pool", 1)]
state = {"measuring": False, "stop": False, "latencies": [], "errors": 0, "cached": 0, "first_error": None, "next": 0}
CACHED_TRUE = b"\x28\x01"  # CheckResponse field 5 (cached) = true


async def loop(check):
    while not state["stop"]:
        i = state["next"]
        state["next"] = i + 1
        request = requests[i % len(requests)]
        started = time.perf_counter()
        try:
            response = await check(request)
            if state["measuring"]:
                state["latencies"].append((time.perf_counter() - started) * 1e6)
                if response.endswith(CACHED_TRUE):
                    state["cached"] += 1
        except grpc.aio.AioRpcError as e:
            if state["measuring"]:
                state["errors"] += 1
                state["first_error"] = state["first_error"] or e.details()


async def main():
    channels = [grpc.aio.secure_channel(job["address"], creds, options=options) for _ in range(job["channels"])]
    method = job.get("method", "/warden.authz.v1.Authorizer/Check")
    checks = [ch.unary_unary(method) for ch in channels]
    tasks = [asyncio.create_task(loop(c)) for c in checks for _ in range(job["inFlightPerChannel"])]
    await asyncio.sleep(job["warmupMs"] / 1000)
    state["measuring"] = True
    before = resource.getrusage(resource.RUSAGE_SELF)
    t0 = time.perf_counter()
    print("measuring", flush=True)
    await asyncio.sleep(job["measureMs"] / 1000)
    state["measuring"] = False
    seconds = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_SELF)
    state["stop"] = True
    await asyncio.gather(*tasks, return_exceptions=True)
    for ch in channels:
        await ch.close()
    lat = sorted(state["latencies"])
    at = lambda q: lat[min(len(lat) - 1, int(q * len(lat)))] if lat else float("nan")
    cpu = {"user": (after.ru_utime - before.ru_utime) * 1e6, "system": (after.ru_stime - before.ru_stime) * 1e6}
    print(json.dumps({"calls": len(lat), "errors": state["errors"], "firstError": state["first_error"], "seconds": seconds,
                      "p50": at(0.5), "p99": at(0.99), "cpu": cpu, "cachedShare": state["cached"] / len(lat) if lat else 0}), flush=True)


asyncio.run(main())
