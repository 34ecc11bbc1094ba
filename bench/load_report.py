"""bench/load.py's printed figures: one run's table, and the ratios of Citybridge with 1 and N workers
against the bare app, beside issue 21's goal."""

from __future__ import annotations

import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.load_mix import MIX  # noqa: E402
from bench.realtime_clients import pct  # noqa: E402  (ROOT on the path first)

GOAL_RATE, GOAL_P99 = 600, 0.100  # issue 21: requests/s on one core, and p99 (seconds)


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
