"""A mixed workload against a running Citybridge: many officials reading, posting, searching and
holding websockets. Not a test: it prints throughput, errors and latency percentiles per operation.

    citybridge create-admin --email admin@bench.test --name Admin --password 'bench password'
    export $(python -c "from server.services import ratelimit as r; print(*(l.env + '=0' for l in r.LIMITS.values()))")
    citybridge serve --port 8000 --workers 1 &     # and again with --workers 2 (or more), to compare
    python bench/load.py --base-url http://127.0.0.1:8000 --users 40 --duration 120

It signs in as the admin, creates two cities, a space and a few threads, invites --users members
(each then works by API token), and runs for --duration seconds. Run it against a scratch
instance: it leaves its data behind.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import time
import uuid
from collections import defaultdict

import httpx
import websockets

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

    def record(self, op: str, seconds: float, ok: bool, detail: str = "") -> None:
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


async def user(base_url: str, token: str, space_id: int, thread_ids: list[int], stats: Stats, until: float) -> None:
    ops, weights = zip(*MIX, strict=False)
    async with httpx.AsyncClient(base_url=base_url, timeout=30, headers={"Authorization": f"Bearer {token}"}) as client:
        while time.monotonic() < until:
            op = random.choices(ops, weights)[0]
            thread = random.choice(thread_ids)
            if op == "list_threads":
                request = client.get(f"/api/spaces/{space_id}/threads", params={"limit": 20})
            elif op == "read_messages":
                request = client.get(f"/api/threads/{thread}/messages", params={"limit": 50, "direction": "backward"})
            elif op == "post_message":
                request = client.post(
                    f"/api/threads/{thread}/messages", json={"body": sentence(), "client_id": uuid.uuid4().hex}
                )
            elif op == "search":
                request = client.get("/api/search", params={"q": " ".join(random.sample(WORDS, 2))})
            else:
                request = client.get("/api/me")
            started = time.perf_counter()
            try:
                response = await request
                ok, detail = response.status_code < 400, f"{response.status_code} {response.text}"
            except httpx.HTTPError as error:
                ok, detail = False, repr(error)
            stats.record(op, time.perf_counter() - started, ok, detail)
            await asyncio.sleep(random.uniform(0.05, 0.3))  # think time


async def listener(base_url: str, token: str, space_id: int, counts: dict, until: float) -> None:
    url = base_url.replace("http", "ws", 1) + "/ws"
    try:
        async with websockets.connect(url, additional_headers={"Authorization": f"Bearer {token}"}) as socket:
            counts["open"] += 1
            await socket.send(json.dumps({"type": "subscribe", "space_id": space_id}))
            while time.monotonic() < until:
                try:
                    frame = json.loads(
                        await asyncio.wait_for(socket.recv(), timeout=max(0.1, until - time.monotonic()))
                    )
                except TimeoutError:
                    break
                if frame.get("type") == "event":
                    counts["events"] += 1
    except Exception as error:  # a refused or dropped socket is a result to report, not a crash
        counts["failed"] += 1
        counts.setdefault("error", repr(error)[:200])


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--base-url", default="http://127.0.0.1:8000")
    parser.add_argument("--admin-email", default="admin@bench.test")
    parser.add_argument("--admin-password", default="bench password")
    parser.add_argument("--users", type=int, default=40)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--duration", type=float, default=120, help="seconds of load")
    args = parser.parse_args()

    print(f"setting up {args.users} users against {args.base_url} …", flush=True)
    tokens, space_id, thread_ids = await setup(
        args.base_url, args.admin_email, args.admin_password, args.users, args.threads
    )
    stats, counts = Stats(), defaultdict(int)
    started = time.monotonic()
    until = started + args.duration
    print(f"running for {args.duration:g}s …", flush=True)
    await asyncio.gather(
        *(user(args.base_url, t, space_id, thread_ids, stats, until) for t in tokens),
        *(listener(args.base_url, t, space_id, counts, until) for t in tokens),
    )
    elapsed = time.monotonic() - started

    total = sum(len(v) for v in stats.latencies.values())
    errors = sum(stats.errors.values())
    print(
        f"\n{total} requests in {elapsed:.1f}s = {total / elapsed:.1f} req/s, {errors} errors; "
        f"{counts['open']} websockets held ({counts['failed']} failed), {counts['events']} events received\n"
    )
    print(f"{'operation':<15}{'count':>7}{'errors':>8}{'req/s':>8}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'max ms':>9}")
    for op, _ in MIX:
        values = stats.latencies.get(op, [])
        if not values:
            continue
        ms = [v * 1000 for v in values]
        print(
            f"{op:<15}{len(ms):>7}{stats.errors[op]:>8}{len(ms) / elapsed:>8.1f}{statistics.median(ms):>9.1f}"
            f"{percentile(ms, 95):>9.1f}{percentile(ms, 99):>9.1f}{max(ms):>9.1f}"
        )
    for op, sample in stats.error_samples.items():
        print(f"first {op} error: {sample}")
    if counts.get("error"):
        print(f"first websocket error: {counts['error']}")


if __name__ == "__main__":
    asyncio.run(main())
