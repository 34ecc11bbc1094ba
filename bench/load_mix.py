"""bench/load.py's workload: the mix of operations, the users who run it, their websockets, and one
measured run of it with the CPU time of the server, PostgreSQL and the load generator."""

from __future__ import annotations

import asyncio
import json
import os
import random
import resource
import statistics
import sys
import time
import uuid
from collections import defaultdict
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.load_client import Connection, ws_open  # noqa: E402
from bench.realtime_clients import LightWS, pct  # noqa: E402  (ROOT on the path first)
from bench.realtime_scenarios import cpu_seconds  # noqa: E402

WORDS = (
    "housing integration employment language course mentoring health clinic school enrolment "
    "transport pass social services intercultural dialogue media perception labour rights "
    "entrepreneurship microcredit welcome desk volunteers"
).split()
MIX = [("list_threads", 25), ("read_messages", 30), ("post_message", 20), ("search", 15), ("me", 10)]


class Stats:
    def __init__(self) -> None:
        self.latencies: dict[str, list[float]] = defaultdict(list)
        self.errors: dict[str, int] = defaultdict(int)
        self.error_samples: dict[str, str] = {}
        self.measuring = False  # False during the warm-up and once the window is over
        self.events = 0

    def record(self, op: str, seconds: float, ok: bool, detail: str = "") -> None:
        if not self.measuring:
            return
        self.latencies[op].append(seconds)
        if not ok:
            self.errors[op] += 1
            self.error_samples.setdefault(op, detail[:200])


def sentence() -> str:
    return " ".join(random.choices(WORDS, k=random.randint(5, 25))).capitalize() + "."


async def setup(base_url: str, email: str, password: str, users: int, threads: int) -> tuple[list[str], int, list[int]]:
    async with httpx.AsyncClient(base_url=base_url, timeout=30) as admin:
        session = (await admin.post("/api/session", json={"email": email, "password": password})).json()
        if "csrf_token" not in session:
            raise SystemExit(f"cannot sign in as {email}: {session}")
        admin.headers["X-CSRF-Token"] = session["csrf_token"]
        tag = uuid.uuid4().hex[:6]
        cities = []
        for name, country, profile in (
            (f"Antwerp {tag}", "Belgium", "traditional"),
            (f"Da Nang {tag}", "Vietnam", "newer"),
        ):
            response = await admin.post("/api/cities", json={"name": name, "country": country, "profile": profile})
            response.raise_for_status()
            cities.append(response.json()["id"])
        space = (await admin.post("/api/spaces", json={"name": f"Bench {tag}", "city_ids": cities})).json()
        thread_ids = []
        for n in range(threads):
            created = (
                await admin.post(
                    f"/api/spaces/{space['id']}/threads", json={"title": f"Bench thread {n}", "body": sentence()}
                )
            ).json()
            thread_ids.append(created["thread"]["id"] if "thread" in created else created["id"])

        async def member(n: int) -> str:
            invited = await admin.post(
                "/api/invitations", json={"email": f"bench-{tag}-{n}@bench.test", "space_id": space["id"]}
            )
            assert invited.status_code == 201, invited.text
            invitation = invited.json()
            async with httpx.AsyncClient(base_url=base_url, timeout=30) as client:
                accepted = await client.post(
                    f"/api/invitations/{invitation['token']}/accept",
                    json={"name": f"Bench User {n}", "password": "bench password"},
                )
                accepted.raise_for_status()
                client.headers["X-CSRF-Token"] = accepted.json()["csrf_token"]
                token = await client.post("/api/tokens", json={"name": "bench"})
                token.raise_for_status()
                return token.json()["token"]

        tokens = []
        for start in range(0, users, 10):
            tokens += await asyncio.gather(*(member(n) for n in range(start, min(users, start + 10))))
        return tokens, space["id"], thread_ids


async def user(
    base_url: str, token: str, space_id: int, thread_ids: list[int], stats: Stats, until: float, think: float
) -> None:
    ops, weights = zip(*MIX, strict=False)
    http = Connection(base_url, token)
    try:
        while time.monotonic() < until:
            op = random.choices(ops, weights)[0]
            thread = random.choice(thread_ids)
            if op == "list_threads":
                request = http.request("GET", f"/api/spaces/{space_id}/threads", {"limit": 20})
            elif op == "read_messages":
                request = http.request("GET", f"/api/threads/{thread}/messages", {"limit": 50, "direction": "backward"})
            elif op == "post_message":
                request = http.request(
                    "POST", f"/api/threads/{thread}/messages", None, {"body": sentence(), "client_id": uuid.uuid4().hex}
                )
            elif op == "search":
                request = http.request("GET", "/api/search", {"q": " ".join(random.sample(WORDS, 2))})
            else:
                request = http.request("GET", "/api/me")
            started = time.perf_counter()
            try:
                status, body = await asyncio.wait_for(request, 30)
                ok, detail = status < 400, f"{status} {body[:200].decode(errors='replace')}"
            except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, TimeoutError, ValueError) as error:
                ok, detail = False, repr(error)
            stats.record(op, time.perf_counter() - started, ok, detail)
            if think > 0:
                await asyncio.sleep(random.uniform(think / 6, think))
    finally:
        http.close()


async def listeners(base_url: str, tokens: list[str], space_id: int, stats: Stats, counts: dict) -> list[LightWS]:
    """One websocket per user, subscribed to the space; events are counted while measuring."""

    def on_text(ws, payload: bytes) -> None:
        if stats.measuring and payload.startswith(b'{"type":"event"'):
            stats.events += 1

    async def one(token: str) -> LightWS | None:
        try:
            ws = await ws_open(base_url, token, on_text)
        except Exception as error:  # a refused socket is a result to report, not a crash
            counts["failed"] += 1
            counts.setdefault("error", repr(error)[:200])
            return None
        ws.send(json.dumps({"type": "subscribe", "space_id": space_id}))
        return ws

    sockets = []
    for start in range(0, len(tokens), 50):
        sockets += await asyncio.gather(*(one(t) for t in tokens[start : start + 50]))
    return [s for s in sockets if s is not None]


def postgres_cpu(postmaster: int | None) -> float:
    """CPU seconds of PostgreSQL, user and system: the postmaster's, its live processes' and those of the
    processes it has reaped (a connection closed meanwhile, e.g. a pool's overflow, still counts)."""
    import psutil

    if postmaster is None:
        return float("nan")
    try:
        parent = psutil.Process(postmaster)
        times = parent.cpu_times()
        children = parent.children()
    except (TypeError, ValueError, psutil.Error):  # no postmaster (--base-url) or it is gone
        return float("nan")
    total = times.user + times.system + times.children_user + times.children_system
    for process in children:
        try:
            total += sum(process.cpu_times()[:2])
        except psutil.Error:  # exited meanwhile: counted in the postmaster's children_* next time
            pass
    return total


async def run_mix(
    name: str,
    base_url: str,
    setup_result: tuple[list[str], int, list[int]],
    args,
    pid: int | None = None,
    postmaster: int | None = None,
) -> dict:
    """The mix for args.warmup + args.duration seconds; figures of the last args.duration only."""
    tokens, space_id, thread_ids = setup_result
    stats, counts = Stats(), defaultdict(int)
    load_before = os.getloadavg()
    sockets = await listeners(base_url, tokens, space_id, stats, counts)
    counts["open"] = len(sockets)
    start = time.monotonic()
    until = start + args.warmup + args.duration
    print(f"[{name}] {args.warmup:g} s warm-up + {args.duration:g} s measured, {len(tokens)} users …", flush=True)
    users = [asyncio.ensure_future(user(base_url, t, space_id, thread_ids, stats, until, args.think)) for t in tokens]
    await asyncio.sleep(args.warmup)

    def cpu() -> tuple[float, float, float]:
        usage = resource.getrusage(resource.RUSAGE_SELF)
        server = cpu_seconds(pid) if pid is not None else float("nan")
        return server, postgres_cpu(postmaster), usage.ru_utime + usage.ru_stime

    cpu_before = cpu()
    stats.measuring, measured_from = True, time.monotonic()
    await asyncio.sleep(max(0.0, until - time.monotonic()))
    stats.measuring, elapsed = False, time.monotonic() - measured_from
    cpu_after = cpu()
    await asyncio.gather(*users)
    counts["dropped"] = sum(1 for s in sockets if s.closed.done())
    for ws in sockets:
        ws.abort()
    total = sum(len(v) for v in stats.latencies.values())
    server_cpu, pg_cpu, client_cpu = (after - before for before, after in zip(cpu_before, cpu_after, strict=True))
    every = [v for values in stats.latencies.values() for v in values]
    return {
        "name": name,
        "stats": stats,
        "counts": counts,
        "elapsed": elapsed,
        "total": total,
        "rate": total / elapsed,
        "errors": sum(stats.errors.values()),
        "p50": statistics.median(every) if every else float("nan"),
        "p99": pct(every, 99),
        "posts": len(stats.latencies.get("post_message", [])),
        "cpu_ms": server_cpu * 1000 / max(1, total),
        "pg_ms": pg_cpu * 1000 / max(1, total),
        "client_ms": client_cpu * 1000 / max(1, total),
        "client_share": client_cpu / elapsed,
        "load": (load_before, os.getloadavg()),
    }
