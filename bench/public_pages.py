"""How fast a published page is served to anonymous readers, beside a bare Starlette baseline.

    citybridge create-admin --email admin@bench.test --name Admin --password 'bench password'
    CITYBRIDGE_PUBLIC_RATE_PER_MINUTE=0 citybridge serve --port 8000 &
    python bench/public_pages.py --base-url http://127.0.0.1:8000 --readers 100 --requests 5000

It signs in as the admin, creates a city, a space and a reviewed practice record, publishes it,
then has --readers concurrent anonymous clients fetch its page --requests times in all. In the
same run it starts a bare Starlette app answering a static body of the same size (uvicorn, one
process) and measures it the same way: the client's own cost is in both numbers, so compare them.
Not a test; run it against a scratch instance (it leaves its data behind).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid

import httpx

BASELINE = """
import sys
from starlette.applications import Starlette
from starlette.responses import Response
from starlette.routing import Route
import uvicorn
body = open(sys.argv[2], "rb").read()
async def page(request):
    return Response(body, media_type="text/html; charset=utf-8")
uvicorn.run(Starlette(routes=[Route("/", page)]), host="127.0.0.1", port=int(sys.argv[1]), log_level="warning")
"""


async def publish_one(base_url: str, email: str, password: str) -> str:
    async with httpx.AsyncClient(base_url=base_url, timeout=30) as client:

        async def post(path: str, body: dict | None = None) -> dict:
            response = await client.post(path, json=body)
            if response.status_code >= 300:
                raise SystemExit(f"POST {path}: {response.status_code} {response.text[:300]}")
            return response.json()

        session = await post("/api/session", {"email": email, "password": password})
        client.headers["X-CSRF-Token"] = session["csrf_token"]
        tag = uuid.uuid4().hex[:6]
        city_ids = [
            (await post("/api/cities", {"name": f"Bench {tag} {n}", "country": "B", "profile": "newer"}))["id"]
            for n in (1, 2)
        ]
        city_id = city_ids[0]
        space = await post("/api/spaces", {"name": f"Bench {tag}", "city_ids": city_ids})
        record = {
            "kind": "practice",
            "title": f"Welcome desks {tag}",
            "summary": "A one-stop desk where newcomers register and find help. " * 4,
            "city_id": city_id,
            "themes": ["integration", "housing"],
            "language": "en",
            "gcm_objectives": [15, 16],
            "purpose": "Shorten the first weeks. " * 20,
            "process": "Three agencies share one counter. " * 30,
            "results": "Waiting time halved. " * 10,
            "review_status": "reviewed",
        }
        created = await post(f"/api/spaces/{space['id']}/resources", record)
        return (await post(f"/api/resources/{created['id']}/publish"))["url"]


async def measure(url: str, readers: int, total: int) -> tuple[list[float], int]:
    latencies: list[float] = []
    errors = 0
    queue = iter(range(total))
    limits = httpx.Limits(max_connections=readers, max_keepalive_connections=readers)
    async with httpx.AsyncClient(timeout=30, limits=limits) as client:

        async def reader() -> None:
            nonlocal errors
            for _ in queue:
                started = time.perf_counter()
                try:
                    response = await client.get(url)
                except httpx.HTTPError:
                    errors += 1
                    continue
                latencies.append((time.perf_counter() - started) * 1000)
                errors += response.status_code != 200

        await asyncio.gather(*(reader() for _ in range(readers)))
    return latencies, errors


def report(name: str, latencies: list[float], errors: int, seconds: float) -> None:
    cuts = statistics.quantiles(latencies, n=100)
    print(
        f"{name:<16} {len(latencies) / seconds:8.0f} req/s  p50 {cuts[49]:7.2f} ms  p95 {cuts[94]:7.2f} ms  "
        f"errors {errors}"
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--base-url", default="http://127.0.0.1:8000")
    parser.add_argument("--email", default="admin@bench.test")
    parser.add_argument("--password", default="bench password")
    parser.add_argument("--readers", type=int, default=100)
    parser.add_argument("--requests", type=int, default=5000)
    args = parser.parse_args()
    url = await publish_one(args.base_url, args.email, args.password)
    body = httpx.get(url).content
    await measure(url, args.readers, args.readers)  # warm up connections
    started = time.perf_counter()
    latencies, errors = await measure(url, args.readers, args.requests)
    citybridge = (latencies, errors, time.perf_counter() - started)
    with tempfile.NamedTemporaryFile(delete=False) as page:
        page.write(body)
    port = free_port()
    baseline = subprocess.Popen([sys.executable, "-c", BASELINE, str(port), page.name])
    try:
        base = f"http://127.0.0.1:{port}/"
        for _ in range(100):
            try:
                httpx.get(base)
                break
            except httpx.HTTPError:
                time.sleep(0.1)
        await measure(base, args.readers, args.readers)
        started = time.perf_counter()
        latencies, errors = await measure(base, args.readers, args.requests)
        plain = (latencies, errors, time.perf_counter() - started)
    finally:
        baseline.terminate()
        baseline.wait()
        os.unlink(page.name)
    print(f"{args.readers} concurrent anonymous readers, {args.requests} requests of {len(body)} bytes")
    report("published page", *citybridge)
    report("bare Starlette", *plain)


if __name__ == "__main__":
    asyncio.run(main())
