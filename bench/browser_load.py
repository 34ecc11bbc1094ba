"""How long the browser app takes to show the home screen and a 60-message thread, cold (empty
cache) and warm (the same browser again), in headless Chromium (not a test; issue 21's goal: cold
load under 0.5 s on localhost, repeat visits from cache).

    python bench/browser_load.py              # 5 rounds
    python bench/browser_load.py --rounds 10

It starts an embedded PostgreSQL and `citybridge serve` pinned to CPU 1, seeds a member of a space
with a 60-message thread, and signs in. Each round opens a fresh browser context (cold), loads the
home screen and the thread, then loads both again in the same context (warm). It prints the median
time to the screen being shown, the requests made, the bytes on the wire, and any API request made
twice in one load; and, as the floor of the same run, the time to load a bare page of the same
server (`/healthz`), with the ratios to it. The load average is printed before and after.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.realtime_clients import CLIENT_CPU, RawHTTP, pin  # noqa: E402  (ROOT first)
from bench.realtime_servers import Server, scratch_database, seed, stop_scratch_database  # noqa: E402

ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]
EMAIL, PASSWORD = "reader@bench.test", "bench reader password"


async def seed_reader(database_url: str, port: int) -> dict:
    """The bench's space and threads, a reader who is a member, and 60 messages in one thread."""
    from sqlalchemy.ext.asyncio import create_async_engine

    from server.db.engine import session_factory
    from server.services import accounts

    world = await seed(database_url, port)
    engine = create_async_engine(database_url)
    async with session_factory(engine)() as db:
        reader = await accounts.create_user(db, email=EMAIL, name="Bench Reader", password=PASSWORD)
        await db.commit()
        reader_id = reader.id
    await engine.dispose()
    http = RawHTTP(port, world["admin"])
    await http.request("PUT", f"/api/spaces/{world['space']}/members/{reader_id}", {"role": "member"})
    thread = world["threads"][0]
    for n in range(60):
        body = f"Message {n}: how the welcome desk handled **{n * 7} arrivals** this week."
        await http.request("POST", f"/api/threads/{thread}/messages", {"body": body, "client_id": f"seed-{n}"})
    return {**world, "thread": thread}


async def visit(page, url: str, ready: str) -> dict:
    requests: list = []

    def seen(request) -> None:
        requests.append(request)

    page.on("request", seen)
    started = time.perf_counter()
    await page.goto(url)
    await page.wait_for_selector(ready, state="visible")
    elapsed = (time.perf_counter() - started) * 1000
    page.remove_listener("request", seen)
    sent, network = 0, 0
    for request in requests:
        if await request.response() is None:
            continue
        sizes = await request.sizes()  # -1 (or no headers) when the browser's cache answered
        if sizes["responseHeadersSize"] > 0:
            network += 1
            sent += max(sizes["responseBodySize"], 0)
    api = Counter(r.url.split("?")[0] for r in requests if "/api/" in r.url)
    twice = [u for u, n in api.items() if n > 1]
    return {"ms": elapsed, "requests": len(requests), "network": network, "bytes": sent, "twice": twice}


async def measure(base: str, world: dict, rounds: int) -> dict[str, list[dict]]:
    from playwright.async_api import async_playwright

    found: dict[str, list[dict]] = {}
    screens = {
        "home": ("/", ".space-card"),
        "thread (60 messages)": (f"/threads/{world['thread']}", "text=Message 59:"),
        "bare page (floor)": ("/healthz", "body"),
    }
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        for _ in range(rounds):
            context = await browser.new_context()
            await context.request.post(f"{base}/api/session", data={"email": EMAIL, "password": PASSWORD})
            page = await context.new_page()
            for name, (path, ready) in screens.items():
                found.setdefault(f"{name}, cold", []).append(await visit(page, base + path, ready))
            for name, (path, ready) in screens.items():
                found.setdefault(f"{name}, warm", []).append(await visit(page, base + path, ready))
            await context.close()
        await browser.close()
    return found


async def run(args) -> None:
    pin(CLIENT_CPU)
    with tempfile.TemporaryDirectory(prefix="citybridge-bench-") as tmp:
        data_dir = Path(tmp)
        database_url = await scratch_database(data_dir)
        server = await Server(database_url, data_dir, "bench-secret-" + "x" * 40).ready()
        try:
            world = await seed_reader(database_url, server.port)
            before = os.getloadavg()
            found = await measure(f"http://127.0.0.1:{server.port}", world, args.rounds)
            after = os.getloadavg()
        finally:
            server.stop()
            stop_scratch_database(data_dir)
    print(f"{args.rounds} rounds, headless Chromium on CPU {CLIENT_CPU}, server on the other")
    print(f"load average before {before[0]:.2f} {before[1]:.2f}, after {after[0]:.2f} {after[1]:.2f}")
    floor = {kind: statistics.median(v["ms"] for v in found[f"bare page (floor), {kind}"]) for kind in ("cold", "warm")}
    for name, visits in found.items():
        median = statistics.median(v["ms"] for v in visits)
        twice = sorted({u for v in visits for u in v["twice"]})
        kind = name.rsplit(", ", 1)[1]
        print(
            f"{name:32} median {median:7.1f} ms (x{median / floor[kind]:.1f} the bare page), "
            f"{visits[-1]['requests']:3} requests, {visits[-1]['bytes'] / 1024:6.1f} KiB on the wire"
            + (f"; asked twice: {', '.join(twice)}" if twice else "")
        )
    print("goal: home, cold < 500 ms on localhost; warm loads from cache")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=5)
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
