"""Route-level benchmark (not a test): Citybridge's hot read routes against bare equivalents (issue 21).

    python bench/routes.py                          # 20 connections, 3 s warm-up + 10 s per route and server
    python bench/routes.py --seconds 30 --connections 50
    python bench/routes.py --py-spy /tmp/profiles   # also sample the server during each Citybridge run

A fresh embedded PostgreSQL, then `citybridge serve` with one worker pinned to CPU 1 (as bench/realtime.py
starts it: bench/realtime_servers.py's Server, every per-user rate limit off) and bench/routes_bare.py
(Starlette + asyncpg on the same tables, same uvicorn settings as bench/realtime_servers.py's BARE_POST),
pinned to the same CPU. The load is `wrk` (Debian's package: `apt-get install wrk`), one thread pinned to
CPU 0 with this script and PostgreSQL, run against one server at a time:

  GET /healthz                                   Citybridge's and a bare {"status": "ok"}, no credential
  GET /api/me                                    by the member's API token (bearer)
  GET /api/threads/{id}/messages?limit=50        by the same token: a page of 50 messages of a thread of
                                                 60, with reactions (1 to 3 on a third of them) and
                                                 mentions (a fifth), no replies

Before measuring, both servers' answers are fetched and compared (the bare's items must equal
Citybridge's). Per route and server it prints requests/s, p50 and p99 latency (wrk's), the server
process's CPU time per request (psutil, user + system, over the measured window, its children
included), the PostgreSQL sessions opened meanwhile (pg_stat_database: a pool that reconnects under
load), and the ratios of issue 21's goals, each beside its goal:

  messages        Citybridge within 2x of the bare endpoint
  /api/me         within 2x of Citybridge's own /healthz
  /healthz        Citybridge's within 1.5x of the bare route

A ratio is how many times fewer requests/s (a figure of the same run, so a busy machine skews both
sides alike); the CPU ratio beside it is steadier on a shared machine. The load average is printed
before and after, and at the start of each measurement. Set DATABASE_URL to use an existing PostgreSQL
(its data is left behind) instead of a fresh embedded one.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.realtime_clients import CLIENT_CPU, SERVER_CPU, RawHTTP, ms, pin  # noqa: E402  (ROOT on the path first)
from bench.realtime_scenarios import cpu_seconds  # noqa: E402
from bench.realtime_servers import Server, scratch_database, seed, stop_scratch_database  # noqa: E402

MESSAGES, PAGE = 60, 50  # the thread's messages, and the page read
GOALS = {"messages": 2.0, "me": 2.0, "healthz": 1.5}

# wrk's summary as one JSON line (its own report rounds the percentiles and hides the error kinds).
WRK_SCRIPT = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('{"requests": %d, "duration_us": %d, "bytes": %d, "p50_us": %d, "p99_us": %d, '
    .. '"max_us": %d, "connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}\\n',
    summary.requests, summary.duration, summary.bytes, latency:percentile(50), latency:percentile(99),
    latency.max, e.connect, e.read, e.write, e.status, e.timeout))
end
"""

WORDS = (
    "housing integration employment language course mentoring health clinic school enrolment transport pass "
    "social services intercultural dialogue media perception labour rights entrepreneurship microcredit "
    "welcome desk volunteers"
).split()


def load() -> str:
    return f"{os.getloadavg()[0]:.2f}"


# --- seeding ------------------------------------------------------------------------------------


def text_of(n: int, mention: str | None) -> str:
    """A message of 40 to 80 words with a little markdown, now and then mentioning someone."""
    words = [WORDS[(n * 7 + i * 3) % len(WORDS)] for i in range(40 + (n * 13) % 41)]
    words[3] = f"**{words[3]}**"
    body = " ".join(words).capitalize() + f". See [the notes](https://example.org/notes/{n})."
    return f"@{mention} {body}" if mention else body


async def seed_thread(port: int, ctx: dict) -> dict:
    """A thread of MESSAGES messages (the seed's first one included) by the admin; every fifth mentions
    the member, and the member and the admin react to some."""
    admin, member = RawHTTP(port, ctx["admin"]), RawHTTP(port, ctx["member"])
    _, body = await member.request("GET", "/api/me")
    handle = json.loads(body)["handle"]
    thread = ctx["threads"][0]
    for n in range(1, MESSAGES):
        status, body = await admin.request(
            "POST", f"/api/threads/{thread}/messages", {"body": text_of(n, handle if n % 5 == 0 else None)}
        )
        if status != 201:
            raise RuntimeError(f"posting a message: {status} {body[:300]!r}")
        message = json.loads(body)["id"]
        for who, emoji, every in ((member, "👍", 3), (admin, "🎉", 6), (member, "❤️", 9)):
            if n % every == 0:
                status, body = await who.request("PUT", f"/api/messages/{message}/reactions/{quote(emoji)}")
                if status != 200:
                    raise RuntimeError(f"reacting: {status} {body[:300]!r}")
    return {"thread": thread, "token": ctx["member"]}


# --- the bare app and the load ------------------------------------------------------------------


async def start_bare(database_url: str) -> tuple[subprocess.Popen, int]:
    """bench/routes_bare.py on the server's CPU, once it answers."""
    from server.db.engine import asyncpg_dsn, to_asyncpg_url
    from tests.harness import free_port

    port = free_port()
    dsn = asyncpg_dsn(to_asyncpg_url(database_url))
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "bench" / "routes_bare.py"), dsn, str(port)], preexec_fn=lambda: pin(SERVER_CPU)
    )
    deadline = time.monotonic() + 30
    while True:
        try:
            status, _ = await RawHTTP(port, "none").request("GET", "/healthz")
            if status == 200:
                return process, port
        except OSError:
            pass
        if time.monotonic() > deadline or process.poll() is not None:
            process.kill()
            raise RuntimeError("the bare app did not start")
        await asyncio.sleep(0.1)


async def same_answers(ports: dict[str, int], token: str, paths: dict[str, str]) -> str:
    """Both servers answer every route with 200, and the bare one what Citybridge does (but the
    cursor, which Citybridge signs)."""
    answers: dict[str, dict] = {}
    for name, port in ports.items():
        http = RawHTTP(port, token)
        for route, path in paths.items():
            status, body = await http.request("GET", path)
            if status != 200:
                raise RuntimeError(f"{name} {path}: {status} {body[:300]!r}")
            answers.setdefault(route, {})[name] = json.loads(body)
        http.writer.close()
    ours, theirs = answers["messages"]["citybridge"], answers["messages"]["bare"]
    if ours["items"] != theirs["items"]:
        raise RuntimeError("the bare app's page of messages differs from Citybridge's")
    if answers["me"]["citybridge"] != answers["me"]["bare"]:
        raise RuntimeError(f"/api/me differs: {answers['me']}")
    items = ours["items"]
    return (
        f"{len(items)} messages ({sum(len(json.dumps(i)) for i in items) // len(items)} bytes of JSON each), "
        f"{sum(r['count'] for i in items for r in i['reactions'])} reactions, "
        f"{sum(len(i['mentions']) for i in items)} mentions; the bare app's items and /api/me equal Citybridge's"
    )


async def wrk(port: int, path: str, token: str | None, seconds: float, connections: int, script: Path) -> dict:
    """One wrk run (one thread, on this process's CPU) and its summary; `token` as a bearer if given."""
    process = await asyncio.create_subprocess_exec(
        "wrk",
        "-t1",
        f"-c{connections}",
        f"-d{seconds:g}s",
        "--timeout",
        "10s",
        "-s",
        str(script),
        *(["-H", f"Authorization: Bearer {token}"] if token else []),
        f"http://127.0.0.1:{port}{path}",
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    out, _ = await process.communicate()
    lines = [line for line in out.decode().splitlines() if line.startswith("{")]
    if process.returncode or not lines:
        raise RuntimeError(f"wrk failed: {out.decode()[-2000:]}")
    return json.loads(lines[-1])


async def sessions(stats) -> int:
    """PostgreSQL's count of the sessions ever opened to the database (`stats`: an asyncpg connection)."""
    return await stats.fetchval("SELECT sessions FROM pg_stat_database WHERE datname = current_database()")


async def measure(pid: int, port: int, path: str, token: str | None, args, script: Path, profile, stats) -> dict:
    """A warm-up, then the measured run with the server's CPU time over it, and the PostgreSQL sessions
    the server opened meanwhile (a connection pool that closes and reopens connections under load)."""
    await wrk(port, path, token, args.warmup, args.connections, script)
    await asyncio.sleep(1.1)  # backends report their statistics at most once a second
    opened = await sessions(stats)
    at = load()
    spy = None
    if profile is not None:
        spy = subprocess.Popen(
            ["py-spy", "record", "--pid", str(pid), "--duration", f"{args.seconds:.0f}", "--rate", "200"]
            + ["--format", "raw", "--output", str(profile), "--nonblocking"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    cpu = cpu_seconds(pid)
    result = await wrk(port, path, token, args.seconds, args.connections, script)
    cpu = cpu_seconds(pid) - cpu
    if spy is not None:
        await asyncio.to_thread(spy.wait)
    await asyncio.sleep(1.1)
    opened = await sessions(stats) - opened
    seconds = result["duration_us"] / 1e6
    errors = sum(result[kind] for kind in ("connect", "read", "write", "status", "timeout"))
    return {
        "rate": result["requests"] / seconds,
        "p50": result["p50_us"] / 1e6,
        "p99": result["p99_us"] / 1e6,
        "cpu_ms": 1000 * cpu / max(1, result["requests"]),
        "errors": errors,
        "requests": result["requests"],
        "load": at,
        "sessions": opened,
    }


# --- main ---------------------------------------------------------------------------------------


def row(label: str, server: str, figures: dict) -> str:
    return (
        f"  {label:<36} {server:<10} {figures['rate']:>8.0f}/s  p50 {ms(figures['p50']):>9}  "
        f"p99 {ms(figures['p99']):>9}  CPU {figures['cpu_ms']:6.2f} ms/req  errors {figures['errors']:<3} "
        f"PG sessions opened {figures['sessions']:<5} (load {figures['load']})"
    )


def ratio(label: str, ours: dict, baseline: dict, goal: float) -> str:
    slower = baseline["rate"] / ours["rate"]
    verdict = "met" if slower <= goal else "NOT met"
    return (
        f"  {label:<52} {slower:5.2f}x fewer req/s, CPU per request {ours['cpu_ms'] / baseline['cpu_ms']:5.2f}x   "
        f"(goal <= {goal}x: {verdict})"
    )


async def run(args) -> None:
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed: apt-get install -y wrk")
    import asyncpg

    from server.db.engine import asyncpg_dsn, to_asyncpg_url
    from server.services.ratelimit import LIMITS

    for limit in LIMITS.values():  # Server passes its environment on: every per-user limit off
        os.environ[limit.env] = "0"
    with tempfile.TemporaryDirectory(prefix="citybridge-bench-") as tmp:
        data_dir = Path(tmp)
        script = data_dir / "summary.lua"
        script.write_text(WRK_SCRIPT)
        database_url = await scratch_database(data_dir)
        secret = "bench-secret-" + "x" * 40
        server = await Server(database_url, data_dir, secret).ready()
        bare = stats = None
        print(
            f"server pid {server.process.pid} on CPU {SERVER_CPU}, and the bare app after it; wrk (1 thread, "
            f"{args.connections} connections) and PostgreSQL on CPU {CLIENT_CPU}; {args.warmup:g} s warm-up + "
            f"{args.seconds:g} s per route and server; load average before {load()}"
        )
        try:
            ctx = await seed(database_url, server.port)
            seeded = await seed_thread(server.port, ctx)
            bare, bare_port = await start_bare(database_url)
            stats = await asyncpg.connect(asyncpg_dsn(to_asyncpg_url(database_url)))
            paths = {
                "healthz": "/healthz",
                "me": "/api/me",
                "messages": f"/api/threads/{seeded['thread']}/messages?limit={PAGE}",
            }
            print(await same_answers({"citybridge": server.port, "bare": bare_port}, seeded["token"], paths))
            profiles = Path(args.py_spy) if args.py_spy else None
            if profiles is not None:
                profiles.mkdir(parents=True, exist_ok=True)
            figures: dict[tuple[str, str], dict] = {}
            for route, path in paths.items():
                for name, pid, port in (
                    ("citybridge", server.process.pid, server.port),
                    ("bare", bare.pid, bare_port),
                ):
                    profile = (
                        profiles / f"{route}-{name}.txt" if profiles is not None and name == "citybridge" else None
                    )
                    # A health check carries no credential (Citybridge would authenticate one, on any route).
                    token = None if route == "healthz" else seeded["token"]
                    figures[route, name] = await measure(pid, port, path, token, args, script, profile, stats)
            labels = {
                "healthz": "GET /healthz",
                "me": "GET /api/me",
                "messages": f"GET /api/threads/{{id}}/messages ({PAGE})",
            }
            print(
                "\nper route (requests/s, wrk's latency percentiles, server CPU time per request, PostgreSQL "
                "sessions opened during the measured run):"
            )
            for route in paths:
                for name in ("citybridge", "bare"):
                    print(row(labels[route] if name == "citybridge" else "", name, figures[route, name]))
            print("\nratios (issue 21):")
            print(
                ratio(
                    f"messages ({PAGE}): Citybridge vs bare",
                    figures["messages", "citybridge"],
                    figures["messages", "bare"],
                    GOALS["messages"],
                )
            )
            print(
                ratio(
                    "/api/me vs Citybridge's /healthz",
                    figures["me", "citybridge"],
                    figures["healthz", "citybridge"],
                    GOALS["me"],
                )
            )
            print(
                ratio(
                    "/healthz: Citybridge vs bare",
                    figures["healthz", "citybridge"],
                    figures["healthz", "bare"],
                    GOALS["healthz"],
                )
            )
            mine, floor = figures["me", "citybridge"], figures["me", "bare"]
            print(
                f"  (for reference: /api/me Citybridge vs bare {floor['rate'] / mine['rate']:.2f}x fewer req/s, "
                f"CPU {mine['cpu_ms'] / floor['cpu_ms']:.2f}x)"
            )
            if profiles is not None:
                print(f"\npy-spy samples (raw collapsed stacks) of each Citybridge run in {profiles}")
        finally:
            if stats is not None:
                await stats.close()
            if bare is not None:
                bare.terminate()
                bare.wait(30)
            server.stop()
            print(f"load average after {load()}")
            stop_scratch_database(data_dir)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=10.0, help="measured seconds per route and server")
    parser.add_argument("--warmup", type=float, default=3.0, help="unmeasured seconds before each")
    parser.add_argument("--connections", type=int, default=20, help="wrk's keep-alive connections")
    parser.add_argument("--py-spy", metavar="DIR", help="record the server with py-spy during each Citybridge run")
    args = parser.parse_args()
    pin(CLIENT_CPU)
    asyncio.run(run(args))


if __name__ == "__main__":
    main()
