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
import os
import resource
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.load_mix import run_mix, setup  # noqa: E402
from bench.load_report import compare, report  # noqa: E402
from bench.load_servers import Bare, Citybridge, create_admin, postmaster_pid  # noqa: E402
from bench.realtime_clients import CLIENT_CPU, SERVER_CPU, pin  # noqa: E402  (ROOT on the path first)


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

        database_url = await asyncio.to_thread(start_database, data_dir)  # never DATABASE_URL: a scratch one
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
