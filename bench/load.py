"""A mixed workload: many officials reading, posting, searching and holding websockets. Not a test: it
prints requests/s, errors and latency percentiles per operation, and the server's CPU time per request.

Self-contained (the default, issue 21): a fresh embedded PostgreSQL, an admin, then the same mix against

  1. `citybridge serve --workers 1`, pinned to CPU 1 (the load generator and PostgreSQL on CPU 0),
  2. `citybridge serve --workers N` (--workers, default: the number of cores), not pinned,
  3. bench/load_bare.py, bare Starlette + asyncpg doing the equivalent queries on the same tables (and a
     trivial websocket fan-out), under the same uvicorn settings, pinned to CPU 1,

and the ratios: Citybridge (1 worker) against the bare app, N workers against 1, beside the goal of
issue 21 (>= 600 requests/s on one core with p99 < 100 ms). Per-user rate limits are off in the server
(every CITYBRIDGE_RATE_*_PER_MINUTE=0). The runs share one database, set up once (the data grows by the
posts of each run); the bare app adds a full-text index to messages for its search stand-in (see
bench/load_bare.py), after the Citybridge runs. Everything it starts is stopped at the end.

CPU per request is CPU time (user + system, psutil) over the measured window divided by the requests
answered in it: of the server process and its children (workers, mail worker), of PostgreSQL (the
postmaster, its processes and those it reaped), and of this load generator. The machine's load average
is printed before and after every run: another load on the machine skews every figure.

    python bench/load.py                         # 40 users, 3 s warm-up + 20 s per run
    python bench/load.py --duration 60 --workers 2

By default each user sends its next request as soon as the last is answered (--think 0): --users
requests are always in flight, so requests/s is what the server sustains at that concurrency, and the
latencies include the queueing (with 40 users, 600 requests/s means 67 ms on average).

Against a server you run yourself (it only signs in as the admin and leaves its data behind):

    citybridge create-admin --email admin@bench.test --name Admin --password 'bench password'
    export $(python -c "from server.services import ratelimit as r; print(*(l.env + '=0' for l in r.LIMITS.values()))")
    citybridge serve --port 8000 --workers 1 &
    python bench/load.py --base-url http://127.0.0.1:8000 --users 40 --duration 120

That mode keeps its old pace unless told otherwise (--think 0.3: 0.05 to 0.3 s between a user's
requests). Either way, the setup signs in as the admin, creates two cities, a space and --threads
threads, invites --users members (each then works by API token, one keep-alive connection and one
websocket subscribed to the space). The HTTP client is a light keep-alive HTTP/1.1 one (plain http://
only), so that the load generator's own CPU stays small beside the server's; its CPU is printed too.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import defaultdict
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.realtime_clients import CLIENT_CPU, SERVER_CPU, LightWS, pct, pin  # noqa: E402  (ROOT on the path first)
from bench.realtime_scenarios import cpu_seconds  # noqa: E402
from bench.realtime_servers import Server  # noqa: E402

WORDS = (
    "housing integration employment language course mentoring health clinic school enrolment "
    "transport pass social services intercultural dialogue media perception labour rights "
    "entrepreneurship microcredit welcome desk volunteers"
).split()
MIX = [("list_threads", 25), ("read_messages", 30), ("post_message", 20), ("search", 15), ("me", 10)]
GOAL_RATE, GOAL_P99 = 600, 0.100  # issue 21: requests/s on one core, and p99 (seconds)


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


# --- a light keep-alive HTTP/1.1 client ---------------------------------------------------------


class Connection:
    """One keep-alive connection: Content-Length or chunked responses; reconnects after an error."""

    def __init__(self, base_url: str, token: str) -> None:
        parts = urlsplit(base_url)
        if parts.scheme != "http":
            raise SystemExit(f"the load client speaks plain http:// only, not {base_url}")
        self.host, self.port, self.prefix = parts.hostname, parts.port or 80, parts.path.rstrip("/")
        self.head = f"Host: {parts.netloc}\r\nAuthorization: Bearer {token}\r\n"
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None

    async def request(self, method: str, path: str, params: dict | None = None, body=None) -> tuple[int, bytes]:
        target = self.prefix + path + ("?" + urlencode(params) if params else "")
        data = json.dumps(body).encode() if body is not None else b""
        try:
            if self.writer is None:
                self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
            self.writer.write(
                f"{method} {target} HTTP/1.1\r\n{self.head}Content-Type: application/json\r\n"
                f"Content-Length: {len(data)}\r\n\r\n".encode()
                + data
            )
            return await self._response()
        except BaseException:
            self.close()
            raise

    async def _response(self) -> tuple[int, bytes]:
        reader = self.reader
        head = await reader.readuntil(b"\r\n\r\n")
        status, length, chunked, close = int(head[9:12]), None, False, False
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            name, value = name.strip().lower(), value.strip().lower()
            if name == b"content-length":
                length = int(value)
            elif name == b"transfer-encoding":
                chunked = b"chunked" in value
            elif name == b"connection":
                close = b"close" in value
        if chunked:
            parts = []
            while size := int((await reader.readuntil(b"\r\n")).split(b";")[0], 16):
                parts.append(await reader.readexactly(size))
                await reader.readexactly(2)
            while await reader.readuntil(b"\r\n") != b"\r\n":  # trailers
                pass
            body = b"".join(parts)
        elif length is not None:
            body = await reader.readexactly(length)
        else:
            body, close = await reader.read(), True
        if close:
            self.close()
        return status, body


async def ws_open(base_url: str, token: str, on_text) -> LightWS:
    """bench/realtime_clients.ws_connect, to any host."""
    parts = urlsplit(base_url)
    loop = asyncio.get_running_loop()
    _, protocol = await loop.create_connection(lambda: LightWS(on_text), parts.hostname, parts.port or 80)
    key = base64.b64encode(os.urandom(16)).decode()
    protocol.transport.write(
        f"GET {parts.path.rstrip('/')}/ws HTTP/1.1\r\nHost: {parts.netloc}\r\nUpgrade: websocket\r\n"
        f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
        f"Authorization: Bearer {token}\r\n\r\n".encode()
    )
    return await asyncio.wait_for(protocol.open, 30)


# --- the workload -------------------------------------------------------------------------------


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


def report(result: dict, websockets_note: str = "") -> None:
    stats, counts, elapsed = result["stats"], result["counts"], result["elapsed"]
    before, after = result["load"]
    print(f"\n== {result['name']}")
    print(
        f"{result['total']} requests in {elapsed:.1f} s = {result['rate']:.1f} req/s, {result['errors']} errors; "
        f"all operations p50 {result['p50'] * 1000:.1f} ms p99 {result['p99'] * 1000:.1f} ms "
        f"(goal >= {GOAL_RATE} req/s on one core, p99 < {GOAL_P99 * 1000:.0f} ms)"
    )
    client = f"load generator {result['client_ms']:.2f} ms ({result['client_share'] * 100:.0f}% of a core)"
    if result["cpu_ms"] == result["cpu_ms"]:  # not NaN: the server is ours to measure
        print(
            f"CPU per request: server {result['cpu_ms']:.2f} ms (process and children, user + system), "
            f"PostgreSQL {result['pg_ms']:.2f} ms; {client}"
        )
    else:
        print(f"CPU per request: {client}; the server's is not measured with --base-url")
    expected = result["posts"] * counts["open"]
    print(
        f"websockets: {counts['open']} held ({counts['failed']} refused, {counts['dropped']} closed by the server), "
        f"{stats.events} events received of {expected} ({result['posts']} posts x {counts['open']} subscribers)"
        + websockets_note
    )
    print(
        "load average before " + " ".join(f"{x:.2f}" for x in before) + ", after " + " ".join(f"{x:.2f}" for x in after)
    )
    print(f"{'operation':<15}{'count':>7}{'errors':>8}{'req/s':>8}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'max ms':>9}")
    for op, _ in MIX:
        values = stats.latencies.get(op, [])
        if not values:
            continue
        ms = [v * 1000 for v in values]
        print(
            f"{op:<15}{len(ms):>7}{stats.errors[op]:>8}{len(ms) / elapsed:>8.1f}{statistics.median(ms):>9.1f}"
            f"{pct(ms, 95):>9.1f}{pct(ms, 99):>9.1f}{max(ms):>9.1f}"
        )
    for op, sample in stats.error_samples.items():
        print(f"first {op} error: {sample}")
    if counts.get("error"):
        print(f"first websocket error: {counts['error']}")


def compare(one: dict, many: dict, bare: dict, workers: int) -> None:
    def ratio(a: float, b: float) -> str:
        return f"{a / b:.2f}x" if b and a == a and b == b else "n/a"

    print("\n== ratios")
    print(
        f"citybridge 1 worker / bare: requests/s {ratio(one['rate'], bare['rate'])} "
        f"({one['rate']:.1f} vs {bare['rate']:.1f}), server CPU per request {ratio(one['cpu_ms'], bare['cpu_ms'])} "
        f"({one['cpu_ms']:.2f} vs {bare['cpu_ms']:.2f} ms), PostgreSQL CPU per request "
        f"{ratio(one['pg_ms'], bare['pg_ms'])}, p99 {ratio(one['p99'], bare['p99'])}"
    )
    print(
        f"citybridge {workers} workers / 1 worker: requests/s {ratio(many['rate'], one['rate'])} "
        f"({many['rate']:.1f} vs {one['rate']:.1f}), server CPU per request {ratio(many['cpu_ms'], one['cpu_ms'])}, "
        f"p99 {ratio(many['p99'], one['p99'])}"
    )
    print(f"{'p99 ms':<15}{'1 worker':>10}{f'{workers} workers':>11}{'bare':>9}{'1w/bare':>9}")
    for op, _ in MIX:
        values = [r["stats"].latencies.get(op) for r in (one, many, bare)]
        p99s = [pct(v, 99) * 1000 if v else float("nan") for v in values]
        print(f"{op:<15}{p99s[0]:>10.1f}{p99s[1]:>11.1f}{p99s[2]:>9.1f}{ratio(p99s[0], p99s[2]):>9}")
    met = one["rate"] >= GOAL_RATE and one["p99"] < GOAL_P99
    print(
        f"goal (issue 21): >= {GOAL_RATE} req/s on one core with p99 < {GOAL_P99 * 1000:.0f} ms: citybridge 1 worker "
        f"{one['rate']:.1f} req/s, p99 {one['p99'] * 1000:.1f} ms -> {'met' if met else 'NOT met'} "
        f"({one['rate'] / GOAL_RATE:.2f}x the rate; the bare app does {bare['rate'] / GOAL_RATE:.2f}x)"
    )


# --- self-contained: our own PostgreSQL, Citybridge with 1 and N workers, the bare app -----------


def _affinity(cpus: set[int]):
    return lambda: os.sched_setaffinity(0, cpus)


class Citybridge(Server):
    """`citybridge serve --workers n` (bench/realtime_servers.Server's ready() and stop()), rate limits off;
    one worker is pinned to SERVER_CPU, more may use every core."""

    def __init__(self, database_url: str, data_dir: Path, secret: str, workers: int) -> None:
        from server.services.ratelimit import LIMITS
        from tests.harness import free_port

        self.port = free_port()
        self.log_path = data_dir / f"server-{workers}w-{self.port}.log"
        env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "CITYBRIDGE_DATA": str(data_dir),
            "CITYBRIDGE_SECRET_KEY": secret,
            "CITYBRIDGE_ARGON2_MEMORY_KIB": "1024",
            "CITYBRIDGE_ARGON2_TIME_COST": "1",
            **{limit.env: "0" for limit in LIMITS.values()},
        }
        cpus = {SERVER_CPU} if workers == 1 else set(range(os.cpu_count() or 1))
        self.log = open(self.log_path, "w")
        self.process = subprocess.Popen(
            [sys.executable, "-c", "from server.cli import main; main()", "serve"]
            + ["--port", str(self.port), "--workers", str(workers)],
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            preexec_fn=_affinity(cpus),
        )

    def stop(self) -> None:
        super().stop()
        self.log.close()


class Bare(Citybridge):
    """bench/load_bare.py on SERVER_CPU, the same database."""

    def __init__(self, database_url: str, data_dir: Path) -> None:
        from server.db.engine import to_asyncpg_url
        from tests.harness import free_port

        self.port = free_port()
        self.log_path = data_dir / f"bare-{self.port}.log"
        dsn = to_asyncpg_url(database_url).replace("postgresql+asyncpg://", "postgresql://")
        self.log = open(self.log_path, "w")
        self.process = subprocess.Popen(
            [sys.executable, str(ROOT / "bench" / "load_bare.py"), dsn, str(self.port)],
            stdout=self.log,
            stderr=subprocess.STDOUT,
            preexec_fn=_affinity({SERVER_CPU}),
        )


async def create_admin(database_url: str, email: str, password: str) -> None:
    from sqlalchemy.ext.asyncio import create_async_engine

    from server.auth import passwords
    from server.db.engine import session_factory
    from server.services import accounts

    passwords.configure(1024, 1)
    engine = create_async_engine(database_url)
    async with session_factory(engine)() as db:
        await accounts.create_user(db, email=email, name="Bench Admin", password=password, is_admin=True)
        await db.commit()
    await engine.dispose()


def postmaster_pid(data_dir: Path) -> int | None:
    try:
        return int((data_dir / "postgres" / "postmaster.pid").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None


async def self_contained(args) -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    workers = args.workers or os.cpu_count() or 1
    load_start = os.getloadavg()
    print(
        f"load average before {load_start[0]:.2f} {load_start[1]:.2f} {load_start[2]:.2f}; {os.cpu_count()} cores; "
        f"load generator and PostgreSQL on CPU {CLIENT_CPU}; think time {args.think:g} s",
        flush=True,
    )
    with tempfile.TemporaryDirectory(prefix="citybridge-load-") as tmp:
        data_dir = Path(tmp)
        from tests.harness import start_database

        database_url = await asyncio.to_thread(start_database, data_dir)
        postmaster = postmaster_pid(data_dir)
        results = []
        try:
            await create_admin(database_url, args.admin_email, args.admin_password)
            secret = "bench-secret-" + "x" * 40
            prepared = None
            for count in (1, workers):
                server = await Citybridge(database_url, data_dir, secret, count).ready()
                base_url = f"http://127.0.0.1:{server.port}"
                try:
                    if prepared is None:
                        print(f"setting up {args.users} users against {base_url} …", flush=True)
                        prepared = await setup(
                            base_url, args.admin_email, args.admin_password, args.users, args.threads
                        )
                    name = f"citybridge serve --workers {count}" + (
                        f" (pinned to CPU {SERVER_CPU})" if count == 1 else " (not pinned)"
                    )
                    results.append(await run_mix(name, base_url, prepared, args, server.process.pid, postmaster))
                finally:
                    server.stop()
                report(results[-1])
            bare = await Bare(database_url, data_dir).ready()
            try:
                name = f"bare Starlette + asyncpg, bench/load_bare.py (pinned to CPU {SERVER_CPU})"
                results.append(
                    await run_mix(name, f"http://127.0.0.1:{bare.port}", prepared, args, bare.process.pid, postmaster)
                )
            finally:
                bare.stop()
            report(results[-1], "; the bare app's websocket is a trivial LISTEN + fan-out")
            compare(*results, workers=workers)
        finally:
            from server.db import embedded

            embedded.stop(data_dir)
    load_end = os.getloadavg()
    print(f"load average before {load_start[0]:.2f}, after {load_end[0]:.2f} {load_end[1]:.2f} {load_end[2]:.2f}")


async def against(args) -> None:
    print(f"load average before {os.getloadavg()[0]:.2f}; setting up {args.users} users against {args.base_url} …")
    prepared = await setup(args.base_url, args.admin_email, args.admin_password, args.users, args.threads)
    report(await run_mix(args.base_url, args.base_url, prepared, args))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--base-url", help="a running server (else self-contained: see above)")
    parser.add_argument("--workers", type=int, default=0, help="N of the second run (default: the number of cores)")
    parser.add_argument("--admin-email", default="admin@bench.test")
    parser.add_argument("--admin-password", default="bench password")
    parser.add_argument("--users", type=int, default=40)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument(
        "--duration", type=float, default=None, help="measured seconds per run (20; 120 with --base-url)"
    )
    parser.add_argument("--warmup", type=float, default=3, help="seconds of load before measuring, each run")
    parser.add_argument(
        "--think", type=float, default=None, help="a user's pause between requests, up to this (0; 0.3 with --base-url)"
    )
    args = parser.parse_args()
    if args.duration is None:
        args.duration = 120 if args.base_url else 20
    if args.think is None:
        args.think = 0.3 if args.base_url else 0
    if args.base_url:
        asyncio.run(against(args))
    else:
        pin(CLIENT_CPU)  # before any thread: PostgreSQL, started from one, inherits it
        asyncio.run(self_contained(args))


if __name__ == "__main__":
    main()
