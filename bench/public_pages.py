"""How fast a published page is served to anonymous readers, cached and uncached, beside a bare
Starlette app serving the same bytes (not a test; issue 17's goal: p95 under 5 ms, 100 readers).

    python bench/public_pages.py                       # 100 readers, 5000 requests per phase
    python bench/public_pages.py --readers 20 --requests 2000

It starts an embedded PostgreSQL (or uses DATABASE_URL) and `citybridge serve` pinned to CPU 1,
publishes a reviewed practice record, then has --readers concurrent keep-alive clients (a bare
asyncio HTTP client, so the client costs little) fetch:

- cached: the page itself, again and again (served from the node's page cache);
- uncached: the page with a different `?v=` each time, so every request renders it from the
  database (the cache key holds the query);
- baseline: the same bytes from a bare Starlette app under uvicorn, pinned to the same CPU.

For each it prints requests/s and the client-observed p50/p95/p99, which with N readers
include queueing (Little's law: latency ~ N / throughput), and, for Citybridge, the time the
page handler itself took (its `Server-Timing: app;dur`), which is what the goal measures.
The load average is printed before and after: the machine is shared, read the figures with it.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.realtime_clients import CLIENT_CPU, SERVER_CPU, RawHTTP, pct, pin  # noqa: E402  (ROOT first)
from bench.realtime_servers import Server, scratch_database, seed, stop_scratch_database  # noqa: E402

BASELINE = (
    """
import os, sys
os.sched_setaffinity(0, {%d})
from starlette.applications import Starlette
from starlette.responses import Response
from starlette.routing import Route
import uvicorn
body = open(sys.argv[2], "rb").read()
async def page(request):
    return Response(body, media_type="text/html; charset=utf-8")
uvicorn.run(Starlette(routes=[Route("/", page)]), host="127.0.0.1", port=int(sys.argv[1]), log_level="warning")
"""
    % SERVER_CPU
)

PRACTICE = {
    "kind": "practice",
    "title": "Welcome desks in the town hall",
    "summary": "A one-stop desk where newcomers register and find help. " * 4,
    "themes": ["integration", "housing"],
    "language": "en",
    "gcm_objectives": [15, 16],
    "purpose": "Shorten the first weeks. " * 20,
    "process": "Three agencies share one counter. " * 30,
    "results": "Waiting time halved. " * 10,
    "review_status": "reviewed",
}


async def get(reader, writer, path: str) -> tuple[int, bytes, float | None]:
    """One GET on a kept-alive connection: status, body, and the handler's own time in ms."""
    writer.write(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept-Language: en\r\n\r\n".encode())
    head = await reader.readuntil(b"\r\n\r\n")
    length, handler = 0, None
    for line in head.split(b"\r\n"):
        name, _, value = line.partition(b":")
        if name.lower() == b"content-length":
            length = int(value)
        elif name.lower() == b"server-timing":
            handler = float(value.split(b"app;dur=")[1].split(b",")[0]) if b"app;dur=" in value else None
    return int(head[9:12]), await reader.readexactly(length), handler


async def measure(port: int, path_of, readers: int, total: int) -> dict:
    latencies, handler_ms, errors = [], [], 0
    numbers = iter(range(total))

    async def reader_task() -> None:
        nonlocal errors
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        for n in numbers:
            started = time.perf_counter()
            status, _, handler = await get(reader, writer, path_of(n))
            latencies.append((time.perf_counter() - started) * 1000)
            errors += status != 200
            if handler is not None:
                handler_ms.append(handler)
        writer.close()

    started = time.perf_counter()
    await asyncio.gather(*(reader_task() for _ in range(readers)))
    return {"seconds": time.perf_counter() - started, "latencies": latencies, "handler": handler_ms, "errors": errors}


def line(name: str, result: dict) -> str:
    lat, own = result["latencies"], result["handler"]
    text = (
        f"{name:<9} {len(lat) / result['seconds']:7.0f} req/s  client p50 {pct(lat, 50):6.2f}  p95 {pct(lat, 95):6.2f}"
        f"  p99 {pct(lat, 99):6.2f} ms"
    )
    if own:
        text += f"  | handler p50 {pct(own, 50):.3f}  p95 {pct(own, 95):.3f}  p99 {pct(own, 99):.3f} ms"
    return text + f"  errors {result['errors']}"


async def publish(database_url: str, port: int) -> str:
    import json

    ctx = await seed(database_url, port)
    http = RawHTTP(port, ctx["admin"])
    _, body = await http.request("GET", f"/api/spaces/{ctx['space']}")
    city = json.loads(body)["city_ids"][0]
    _, body = await http.request("POST", f"/api/spaces/{ctx['space']}/resources", {**PRACTICE, "city_id": city})
    _, body = await http.request("POST", f"/api/resources/{json.loads(body)['id']}/publish")
    return "/" + json.loads(body)["url"].split("/", 3)[3]


async def run(args) -> None:
    pin(CLIENT_CPU)
    os.environ["CITYBRIDGE_PUBLIC_RATE_PER_MINUTE"] = "0"
    with tempfile.TemporaryDirectory(prefix="citybridge-bench-") as tmp:
        data_dir = Path(tmp)
        database_url = await scratch_database(data_dir)
        server = await Server(database_url, data_dir, "bench-secret-" + "x" * 40).ready()
        try:
            path = await publish(database_url, server.port)
            print(f"published {path}", file=sys.stderr, flush=True)
            reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
            _, body, _ = await get(reader, writer, path)
            writer.close()
            before = os.getloadavg()
            await measure(server.port, lambda n: path, args.readers, args.readers)  # warm up
            cached = await measure(server.port, lambda n: path, args.readers, args.requests)
            uncached = await measure(server.port, lambda n: f"{path}?v={n}", args.readers, args.uncached_requests)
            (data_dir / "page.html").write_bytes(body)
            baseline = await _baseline(data_dir / "page.html", args)
            after = os.getloadavg()
        finally:
            server.stop()
            stop_scratch_database(data_dir)
    print(
        f"{args.readers} concurrent anonymous readers; {args.requests} requests cached and baseline, "
        f"{args.uncached_requests} uncached; page of {len(body)} bytes"
    )
    print(f"server on CPU {SERVER_CPU}, readers and PostgreSQL on CPU {CLIENT_CPU}")
    print(f"load average before {before[0]:.2f} {before[1]:.2f}, after {after[0]:.2f} {after[1]:.2f}")
    for name, result in (("cached", cached), ("uncached", uncached), ("baseline", baseline)):
        print(line(name, result))
    base = pct(baseline["latencies"], 95)
    print(
        f"client p95 over baseline: cached x{pct(cached['latencies'], 95) / base:.2f}, "
        f"uncached x{pct(uncached['latencies'], 95) / base:.2f}; goal: handler p95 < 5 ms "
        f"(cached {pct(cached['handler'], 95):.3f} ms, uncached {pct(uncached['handler'], 95):.3f} ms)"
    )


async def _baseline(page: Path, args) -> dict:
    from tests.harness import free_port

    port = free_port()
    process = subprocess.Popen([sys.executable, "-c", BASELINE, str(port), str(page)])
    try:
        for _ in range(300):
            try:
                _, writer = await asyncio.open_connection("127.0.0.1", port)
                writer.close()
                break
            except OSError:
                await asyncio.sleep(0.1)
        await measure(port, lambda n: "/", args.readers, args.readers)
        return await measure(port, lambda n: "/", args.readers, args.requests)
    finally:
        process.terminate()
        process.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--readers", type=int, default=100)
    parser.add_argument("--requests", type=int, default=5000)
    parser.add_argument("--uncached-requests", type=int, default=1000, help="each renders the page: fewer")
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
