"""Realtime benchmark (not a test): fan-out, idle connections, reconnect storm, throughput.

    python bench/realtime.py                 # the figures of issue 3
    python bench/realtime.py --scale 0.2     # everything scaled down (connections, storm, audiences)
    python bench/realtime.py --only conversations   # 5,000 open two-person conversations (issue 15)
    python bench/realtime.py --only throughput      # posts/s against a bare Starlette + asyncpg endpoint

The server (`citybridge serve`) runs pinned to CPU 1; this load generator, and the embedded
PostgreSQL it starts, to CPU 0. Clients are a deliberately light websocket client (a bare
asyncio protocol, zero mask key) so the client side measures the server, not itself.
Set DATABASE_URL to use an existing PostgreSQL instead of a fresh embedded one.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.realtime_clients import CLIENT_CPU, SERVER_CPU, ms, pin  # noqa: E402  (ROOT on the path first)
from bench.realtime_scenarios import connections, conversations, fanout, storm, throughput  # noqa: E402
from bench.realtime_servers import (  # noqa: E402
    Server,
    scratch_database,
    seed,
    seed_conversations,
    start_bare_post,
    start_baseline,
    stop_scratch_database,
)

# --- main ---------------------------------------------------------------------------------------


async def loop_lag(server: Server, started: float) -> str:
    """The server's event-loop lag during the phase that began at `started` (wall clock)."""
    ended = time.time()
    await asyncio.sleep(1.5)  # the loop monitor reports each second
    return f"event-loop lag in this phase: {server.loop_lag(started, ended)} (goal p99 <= 10 ms, max <= 50 ms)"


async def run(args) -> None:
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    scale = args.scale
    with tempfile.TemporaryDirectory(prefix="citybridge-bench-") as tmp:
        data_dir = Path(tmp)
        database_url = await scratch_database(data_dir)
        secret = "bench-secret-" + "x" * 40
        server = await Server(database_url, data_dir, secret).ready()
        print(
            f"server pid {server.process.pid} on CPU {SERVER_CPU}; load generator and PostgreSQL on CPU "
            f"{CLIENT_CPU}; scale {scale}; load average before {os.getloadavg()[0]:.2f}"
        )
        try:
            ctx = await seed(database_url, server.port)
            if "fanout" in args.only:
                subs = max(10, int(1000 * scale))
                started = time.time()
                ours = await fanout(server.port, subs, 50, args.seconds, ctx=ctx)
                lag = await loop_lag(server, started)
                bare, baseline_port = await start_baseline()
                theirs = await fanout(baseline_port, subs, 50, args.seconds, ctx=None)
                bare.terminate()
                print(
                    f"\nfan-out: {subs} subscribers, 50 posts/s for {args.seconds:.0f} s (accepted -> last subscriber)"
                )
                print(
                    f"  citybridge  p50 {ms(ours['p50'])}  p99 {ms(ours['p99'])}  "
                    f"({ours['complete']}/{ours['posts']} posts reached everyone; POST p99 {ms(ours['post_p99'])})"
                )
                print(
                    f"  bare ws     p50 {ms(theirs['p50'])}  p99 {ms(theirs['p99'])}  "
                    f"({theirs['complete']}/{theirs['posts']})"
                )
                print(f"  ratio p99   {ours['p99'] / theirs['p99']:.2f}x   (goal <= 1.2x)")
                print(f"  {lag}")
            if "conversations" in args.only:
                count = max(20, int(5000 * scale))
                started = time.monotonic()
                seeded = await seed_conversations(database_url, ctx, count)
                print(f"\n(seeded {count} conversations in {time.monotonic() - started:.0f} s)")
                started = time.time()
                ours = await conversations(server.port, 50, args.seconds, ctx=ctx, seeded=seeded)
                lag = await loop_lag(server, started)
                bare, baseline_port = await start_baseline()
                theirs = await conversations(baseline_port, 50, args.seconds, ctx=None, seeded=seeded)
                bare.terminate()
                print(
                    f"conversations: {count} open two-person conversations, each listener's socket subscribed; "
                    f"50 posts/s for {args.seconds:.0f} s, each to one conversation at random (accepted -> receipt)"
                )
                print(
                    f"  citybridge  p50 {ms(ours['p50'])}  p99 {ms(ours['p99'])}  ({ours['complete']}/{ours['posts']} "
                    f"received; {ours['strays']} by a socket of another conversation; POST p99 {ms(ours['post_p99'])})"
                )
                print(
                    f"  bare ws     p50 {ms(theirs['p50'])}  p99 {ms(theirs['p99'])}  "
                    f"({theirs['complete']}/{theirs['posts']})"
                )
                if ours["missing"]:
                    print(
                        f"  not received (post, listener, its socket's close code or False if open): {ours['missing']}"
                    )
                print(f"  ratio p99   {ours['p99'] / theirs['p99']:.2f}x")
                print(f"  {lag}")
            if "connections" in args.only:
                target = max(100, int(15000 * scale))
                started = time.time()
                held = await connections(server, ctx, target)
                lag = await loop_lag(server, started)
                print(
                    f"\nconnections: {held['held']} idle authenticated sockets held "
                    f"({held['authenticated']} acknowledged) of {target} tried"
                    + (f"; stopped by {held['failure']}" if held["failure"] else "")
                )
                print(
                    f"  RSS {held['rss_before'] / 2**20:.0f} MiB -> {held['rss_after'] / 2**20:.0f} MiB: "
                    f"{held['per_connection'] / 1024:.1f} KiB per connection (goal <= 24 KiB)"
                )
                print(f"  {lag}")
            if "storm" in args.only:
                clients = max(50, int(10000 * scale))
                started = time.time()
                result = await storm(server, ctx, clients, rate=5)
                lag = await loop_lag(server, started)
                print(
                    f"\nreconnect storm: {result['clients']} clients dropped at once, 0-1 s jitter, retries "
                    f"with backoff, 5 posts/s throughout"
                )
                print(
                    f"  all caught up (subscribed after replay) {result['caught_up']:.2f} s after the drop "
                    f"(goal < 15 s); events missed {result['missed']}, duplicates {result['duplicates']} "
                    f"over {result['posted']} posts"
                )
                print(f"  {lag}")
            if "throughput" in args.only:
                started = time.time()
                result = await throughput(
                    server.port, ctx, args.seconds, concurrency=32, subscribers=10, pid=server.process.pid
                )
                lag = await loop_lag(server, started)
                bare, bare_port = await start_bare_post(database_url, ctx["admin"])
                try:
                    floor = await throughput(bare_port, ctx, args.seconds, concurrency=32, subscribers=0, pid=bare.pid)
                finally:
                    bare.terminate()
                print(
                    f"\nthroughput: 32 concurrent posters, 8 threads of one space, 10 subscribers, {args.seconds:.0f} s"
                )
                print(
                    f"  accepted {result['accepted_per_s']:.0f} posts/s (errors {result['errors']}); POST p50 "
                    f"{ms(result['p50'])} p99 {ms(result['p99'])} (goal 1000/s, p99 < 50 ms); server CPU "
                    f"{result['cpu_ms']:.2f} ms per post"
                )
                print(
                    f"  bare post endpoint (Starlette + asyncpg, one INSERT and NOTIFY): {floor['accepted_per_s']:.0f}"
                    f" posts/s (errors {floor['errors']}); POST p50 {ms(floor['p50'])} p99 {ms(floor['p99'])}; "
                    f"CPU {floor['cpu_ms']:.2f} ms per post"
                )
                print(
                    f"  ratio: {floor['accepted_per_s'] / result['accepted_per_s']:.1f}x fewer posts/s than the bare"
                    f" endpoint, p99 {result['p99'] / floor['p99']:.1f}x, CPU per post "
                    f"{result['cpu_ms'] / floor['cpu_ms']:.1f}x (goal: within 2x)"
                )
                print(
                    f"  delivered {result['delivered']}/{result['expected']} events ({result['delivered_per_s']:.0f}/s)"
                )
                print(f"  {lag}")
            print(f"\nserver max event-loop lag over the run: {server.max_loop_lag()} (goal <= 50 ms)")
        finally:
            await asyncio.sleep(1.5)  # let the loop monitor write its last report
            print(f"(final loop-lag report: {server.max_loop_lag()}); load average after {os.getloadavg()[0]:.2f}")
            server.stop()
            stop_scratch_database(data_dir)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=1.0, help="multiply audiences and connection counts")
    parser.add_argument("--seconds", type=float, default=10.0, help="length of the fan-out and throughput runs")
    parser.add_argument(
        "--only",
        nargs="+",
        default=["fanout", "conversations", "connections", "storm", "throughput"],
        choices=["fanout", "conversations", "connections", "storm", "throughput"],
    )
    args = parser.parse_args()
    pin(CLIENT_CPU)
    try:
        import uvloop

        uvloop.install()
    except ImportError:
        pass
    asyncio.run(run(args))


if __name__ == "__main__":
    main()
