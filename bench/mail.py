"""Mail benchmark (not a test): a reply fanned out to N thread participants and single mentions,
from the change-log event through the notifier, the outbox and the sender to a local aiosmtpd,
compared with raw aiosmtplib sends of the very same messages over one connection.

    python bench/mail.py                     # every case: 1,000 recipients, 40 mentions, 10,000 digests
    python bench/mail.py --recipients 200 --mentions 20 --case notify
    python bench/mail.py --case digest --users 10000 --rtt-ms 10
    python bench/mail.py --case post --posts 100 --blocks 4 --fanout 20

Everything runs on this machine: an embedded PostgreSQL and the app under uvicorn in a temporary
directory (removed at the end), the SMTP sink in a process of its own (bench/mail_relay.py). Figures:
- notifier: event to outbox rows per second (the reply's POST answered → its N rows written);
- sender: mails per second the sink received (first to last receipt) vs the raw baseline;
- end to end: the POST answered → the last of the N mails at the sink;
- latency from a mention's POST to its mail at the sink (batching off), p50/p95/p99;
- digest and post cases: see bench/mail_cases.py (the weekly digest for N users over a network with
  a round-trip time; POST latency with mail on and off in the same run).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import aiosmtplib  # noqa: E402
from sqlalchemy import func, select  # noqa: E402
from sqlalchemy.ext.asyncio import create_async_engine  # noqa: E402
from sqlalchemy.pool import NullPool  # noqa: E402

from bench import mail_cases  # noqa: E402
from bench.mail_relay import RelayProcess  # noqa: E402
from server.db import embedded  # noqa: E402
from server.db.engine import session_factory  # noqa: E402
from server.db.models import MailOutbox, Membership, Message  # noqa: E402
from server.mail import outbox  # noqa: E402
from tests.harness import Client, ServerThread, expect, start_database, test_settings  # noqa: E402


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def loadavg() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


class Receipts:
    """When the sink received each mail, by recipient address (called in the relay reader thread)."""

    def __init__(self, sink: RelayProcess) -> None:
        self.at: dict[str, float] = {}
        sink.on_receipt = lambda address, received: self.at.setdefault(address, received)

    async def wait(self, addresses: list[str], timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while not all(a in self.at for a in addresses):
            if time.monotonic() > deadline:
                missing = sum(a not in self.at for a in addresses)
                raise RuntimeError(f"{missing} of {len(addresses)} mails not received within {timeout}s")
            await asyncio.sleep(0.02)


async def seed(db_url: str, base_url: str, recipients: int, mentioned: int) -> dict:
    """An admin (the poster) with a token, a space, a thread in which `recipients` people took part
    (their messages inserted directly: seeding must not mail), and `mentioned` more members."""
    from server.auth import passwords
    from server.services import accounts

    passwords.configure(1024, 1)
    engine = create_async_engine(db_url, poolclass=NullPool)
    async with session_factory(engine)() as db:
        admin = await accounts.create_user(
            db, email="admin@bench.test", name="Bench Admin", password="bench password", is_admin=True
        )
        _, token = await accounts.create_api_token(db, admin, "bench", ("read", "write", "admin"))
        await db.commit()
    client = Client(base_url, token)
    cities = [
        expect(await client.post("/api/cities", json={"name": n, "country": "X", "profile": "newer"}), 201)["id"]
        for n in ("Antwerp", "Da Nang")
    ]
    space = expect(await client.post("/api/spaces", json={"name": "Bench", "city_ids": cities}), 201)["id"]
    thread = expect(await client.post(f"/api/spaces/{space}/threads", json={"title": "Fan-out", "body": "start"}), 201)
    async with session_factory(engine)() as db:
        people = []
        for n in range(recipients + mentioned):
            user = await accounts.create_user(
                db, email=f"p{n}@bench.test", name=f"Person {n}", password="bench password"
            )
            people.append(user)
        await db.flush()
        db.add_all(Membership(space_id=space, user_id=u.id, role="member", state="active") for u in people)
        db.add_all(
            Message(thread_id=thread["id"], space_id=space, author_id=u.id, body="me too", html="<p>me too</p>")
            for u in people[:recipients]
        )
        await db.commit()
        handles = [u.handle for u in people[recipients:]]
    await engine.dispose()
    return {"client": client, "space": space, "thread": thread["id"], "handles": handles}


async def outbox_count(db_url: str, kind: str) -> int:
    engine = create_async_engine(db_url, poolclass=NullPool)
    try:
        async with session_factory(engine)() as db:
            return await db.scalar(select(func.count()).select_from(MailOutbox).where(MailOutbox.kind == kind))
    finally:
        await engine.dispose()


async def fan_out(world: dict, db_url: str, receipts: Receipts, recipients: int) -> dict:
    addresses = [f"p{n}@bench.test" for n in range(recipients)]
    body = {"body": "A reply every participant is told about", "client_id": "fan-out"}
    expect(await world["client"].post(f"/api/threads/{world['thread']}/messages", json=body), 201)
    posted = time.monotonic()
    while await outbox_count(db_url, "reply") < recipients:
        await asyncio.sleep(0.02)
    written = time.monotonic()
    await receipts.wait(addresses, timeout=600)
    times = sorted(receipts.at[a] for a in addresses)
    return {
        "notifier_rows_per_s": recipients / (written - posted),
        "sender_mails_per_s": (recipients - 1) / max(times[-1] - times[0], 1e-9),
        "end_to_end_s": times[-1] - posted,
        "latency": [t - posted for t in times],
    }


async def mentions(world: dict, receipts: Receipts, gap: float) -> list[float]:
    """One new thread per mention (nobody else takes part), batching off: one mail each."""
    latencies = []
    for n, handle in enumerate(world["handles"]):
        address = handle_address(n, world)
        started = time.monotonic()
        body = {"title": f"Mention {n}", "body": f"@{handle} can you look at this?"}
        expect(await world["client"].post(f"/api/spaces/{world['space']}/threads", json=body), 201)
        await receipts.wait([address], timeout=60)
        latencies.append(receipts.at[address] - started)
        await asyncio.sleep(gap)
    return latencies


def handle_address(n: int, world: dict) -> str:
    return f"p{world['recipients'] + n}@bench.test"


async def baseline(db_url: str, settings, sink: RelayProcess) -> float:
    """The same reply mails, built from their outbox rows, sent with bare aiosmtplib on one connection."""
    engine = create_async_engine(db_url, poolclass=NullPool)
    async with session_factory(engine)() as db:
        rows = (await db.scalars(select(MailOutbox).where(MailOutbox.kind == "reply"))).all()
        messages = [outbox.build(row, settings) for row in rows]
    await engine.dispose()
    started = time.monotonic()
    async with aiosmtplib.SMTP(hostname="127.0.0.1", port=sink.port) as smtp:
        for mail in messages:
            await smtp.sendmail(mail.sender, [mail.recipient], mail.data)
    return len(messages) / (time.monotonic() - started)


async def measure(args, db_url: str, base_url: str, settings, sink: RelayProcess, receipts: Receipts):
    world = await seed(db_url, base_url, args.recipients, args.mentions)
    world["recipients"] = args.recipients
    print(f"seeded {args.recipients} participants and {args.mentions} members to mention", flush=True)
    try:
        fan = await fan_out(world, db_url, receipts, args.recipients)
        single = await mentions(world, receipts, args.gap)
        raw = await baseline(db_url, settings, sink)
    finally:
        await world["client"].close()
    return fan, single, raw


def run(args) -> None:
    # The database and the server start outside the benchmark's event loop (migrations run their own).
    with tempfile.TemporaryDirectory(prefix="citybridge-bench-mail-") as tmp:
        data_dir = Path(tmp)
        db_url = start_database(data_dir)
        sink = RelayProcess().start()
        receipts = Receipts(sink)
        settings = replace(
            test_settings(data_dir),
            smtp_url=sink.url,
            mail_retry_base_seconds=0.05,
            mail_connections=args.connections,
            mail_worker=args.mail_worker,
        )
        server = ServerThread(settings, db_url)
        server.app.state.settings = replace(server.app.state.settings, public_origin=server.base_url)
        worker = None
        try:
            server.start()
            if args.mail_worker == "process":
                worker = mail_cases.start_worker(db_url, data_dir, sink.url, args.connections)
            print(f"load average (1, 5, 15 min) before: {loadavg()}", flush=True)
            asyncio.run(cases(args, db_url, server, settings, sink, receipts, worker))
        finally:
            if worker is not None:
                worker.send_signal(signal.SIGCONT)
                worker.terminate()
                worker.wait(15)
            server.stop()
            sink.stop()
            embedded.stop(data_dir)
    print(f"\nload average (1, 5, 15 min) after: {loadavg()}")


async def cases(args, db_url: str, server, settings, sink, receipts: Receipts, worker=None) -> None:
    if args.case in ("all", "notify"):
        sink.rtt = 0.0
        report(args, *await measure(args, db_url, server.base_url, settings, sink, receipts))
    sink.rtt = args.rtt_ms / 1000
    if args.case in ("all", "post"):
        latencies = await mail_cases.post_case(args, db_url, server.base_url, server, receipts, worker)
        mail_cases.report_post(args, latencies)
    if args.case in ("all", "digest"):
        mail_cases.report_digest(args, await mail_cases.digest_case(args, db_url, server.base_url, server, receipts))


def report(args, fan: dict, single: list[float], raw: float) -> None:
    ms = lambda seconds: f"{seconds * 1000:.0f} ms"  # noqa: E731
    print(f"\nreply fanned out to {args.recipients} participants (batching off):")
    print(f"  notifier: {fan['notifier_rows_per_s']:.0f} outbox rows/s (event → rows written)")
    print(f"  sender:   {fan['sender_mails_per_s']:.0f} mails/s to aiosmtpd (first → last receipt)")
    print(f"  baseline: {raw:.0f} mails/s, bare aiosmtplib, same messages, one connection")
    print(f"  ratio sender / baseline: {fan['sender_mails_per_s'] / raw:.2f}")
    print(f"  end to end: {fan['end_to_end_s']:.2f} s for all {args.recipients} mails")
    lat = fan["latency"]
    print(
        f"  event → 250 per mail: p50 {ms(percentile(lat, 50))}, p95 {ms(percentile(lat, 95))},"
        f" p99 {ms(percentile(lat, 99))}"
    )
    print(f"\n{len(single)} single mentions, one at a time (POST → mail at the sink):")
    print(
        f"  p50 {ms(percentile(single, 50))}, p95 {ms(percentile(single, 95))}, p99 {ms(percentile(single, 99))},"
        f" mean {ms(statistics.mean(single))}  (goal: p99 under 5 s)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--recipients", type=int, default=1000)
    parser.add_argument("--mentions", type=int, default=40)
    parser.add_argument("--gap", type=float, default=0.1, help="seconds between two mentions or two posts")
    parser.add_argument("--case", choices=("all", "notify", "digest", "post"), default="all")
    parser.add_argument("--users", type=int, default=10_000, help="digest: users on a weekly digest")
    parser.add_argument("--spaces", type=int, default=5, help="digest: spaces they are members of (two each)")
    parser.add_argument("--digest-timeout", type=float, default=1800, help="digest: seconds to wait for the sink")
    parser.add_argument("--connections", type=int, default=4, help="the sender's SMTP connections (lanes)")
    parser.add_argument(
        "--mail-worker",
        choices=("inline", "process"),
        default="inline",
        help="notify, post: the sender on the server's loop, or in a `citybridge mail-worker` process",
    )
    parser.add_argument("--rtt-ms", type=float, default=10.0, help="digest, post: the relay's round-trip time")
    parser.add_argument("--posts", type=int, default=50, help="post: POSTs per block")
    parser.add_argument("--blocks", type=int, default=4, help="post: alternating blocks, mail off first")
    parser.add_argument("--fanout", type=int, default=20, help="post: participants each reply is mailed to")
    args = parser.parse_args()
    if args.mail_worker == "process" and args.case in ("all", "digest"):
        parser.error("--mail-worker process: the digest case runs the app's own digester; use --case notify or post")
    run(args)


if __name__ == "__main__":
    main()
