"""The digest and POST-latency cases of bench/mail.py.

- digest: `users` people seeded by bulk SQL (members of a few spaces with recent threads, messages
  and practice records, all on a weekly digest), then the app's own digest worker runs one round
  (`Digester.round()`, on the server's event loop, its periodic loop stopped first so that it
  cannot start one of its own); timed from the round's start to the last digest at the sink.
- post: POST /api/threads/{id}/messages latency with mail on (notifier and sender running, the
  relay configured, each reply mailed to `fanout` participants) and off (both workers stopped on
  the same server), in alternating blocks of the same run so that the machine's load hits both.

The relay (bench/mail_relay.py, a process of its own) answers each SMTP command after `rtt` seconds.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time

from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from server.db.engine import session_factory
from server.db.models import (
    MailOutbox,
    Membership,
    Message,
    NotificationSettings,
    Resource,
    Space,
    Thread,
    User,
)
from tests.harness import Client, expect

CHUNK = 2000


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


class OnServer:
    """Runs coroutines on the server thread's event loop (where the app's workers live); with
    `--mail-worker process`, the sender is a `citybridge mail-worker` process (`worker`), which
    "mail off" pauses with SIGSTOP."""

    def __init__(self, app, worker: subprocess.Popen | None = None) -> None:
        self.app = app
        self.worker = worker
        self.loop = app.state.mail_notifier._task.get_loop()

    async def __call__(self, coroutine):
        return await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(coroutine, self.loop))

    async def mail(self, on: bool) -> None:
        workers = [w for w in (self.app.state.mail_notifier, self.app.state.mail_sender) if w is not None]

        async def switch():
            for worker in workers:
                if on and worker._task is None:
                    worker.start()
                elif not on:
                    await worker.stop()

        await self(switch())
        if self.worker is not None:
            self.worker.send_signal(signal.SIGCONT if on else signal.SIGSTOP)


def start_worker(db_url: str, data_dir, relay_url: str, connections: int) -> subprocess.Popen:
    """`citybridge mail-worker` on the bench's database and relay, as `serve` would start it."""
    env = {
        **os.environ,
        "DATABASE_URL": db_url,
        "CITYBRIDGE_DATA": str(data_dir),
        "CITYBRIDGE_SMTP_URL": relay_url,
        "CITYBRIDGE_MAIL_CONNECTIONS": str(connections),
        "CITYBRIDGE_SECRET_KEY": "bench-secret-key-" + "x" * 32,
    }
    command = [sys.executable, "-c", "from server.cli import main; main()", "mail-worker"]
    return subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


async def admin_client(db_url: str, base_url: str, email: str) -> tuple[Client, int]:
    from server.services import accounts

    engine = create_async_engine(db_url, poolclass=NullPool)
    async with session_factory(engine)() as db:
        admin = await accounts.create_user(
            db, email=email, name="Bench " + email, password="bench password", is_admin=True
        )
        _, token = await accounts.create_api_token(db, admin, "bench", ("read", "write", "admin"))
        await db.commit()
        admin_id = admin.id
    await engine.dispose()
    return Client(base_url, token), admin_id


async def bulk_users(db, prefix: str, count: int, **extra) -> list[int]:
    ids = []
    for start in range(0, count, CHUNK):
        rows = [
            {
                "email": f"{prefix}{n}@bench.test",
                "name": f"{prefix} {n}",
                "handle": f"{prefix}-{n}",
                "password_hash": "!",
            }
            | extra
            for n in range(start, min(count, start + CHUNK))
        ]
        ids += (await db.scalars(insert(User).returning(User.id), rows)).all()
    return ids


async def seed_digest(db_url: str, admin_id: int, users: int, spaces: int) -> None:
    """`users` people on a weekly digest, each a member of two of `spaces` spaces, each space with
    a week of activity: 12 threads of 6 messages and 4 practice records."""
    engine = create_async_engine(db_url, poolclass=NullPool)
    async with session_factory(engine)() as db:
        space_ids = (
            await db.scalars(
                insert(Space).returning(Space.id),
                [{"name": f"Digest space {s}", "created_by": admin_id} for s in range(spaces)],
            )
        ).all()
        threads = (
            await db.execute(
                insert(Thread).returning(Thread.id, Thread.space_id),
                [
                    {"space_id": s, "title": f"Thread {n} of {s}", "author_id": admin_id}
                    for s in space_ids
                    for n in range(12)
                ],
            )
        ).all()
        await db.execute(
            insert(Message),
            [
                {
                    "thread_id": t,
                    "space_id": s,
                    "author_id": admin_id,
                    "body": f"point {n}",
                    "html": f"<p>point {n}</p>",
                }
                for t, s in threads
                for n in range(6)
            ],
        )
        await db.execute(
            insert(Resource),
            [
                {"space_id": s, "kind": "practice", "title": f"Practice {n}", "author_id": admin_id}
                for s in space_ids
                for n in range(4)
            ],
        )
        ids = await bulk_users(db, "d", users)
        for start in range(0, users, CHUNK):
            chunk = ids[start : start + CHUNK]
            await db.execute(
                insert(Membership),
                [
                    {"space_id": space_ids[(i + k) % spaces], "user_id": u, "role": "member", "state": "active"}
                    for i, u in enumerate(chunk, start)
                    for k in range(min(2, spaces))
                ],
            )
            await db.execute(insert(NotificationSettings), [{"user_id": u, "digest": "weekly"} for u in chunk])
        await db.commit()
    await engine.dispose()


async def digest_case(args, db_url: str, base_url: str, server, receipts) -> dict:
    on_server = OnServer(server.app)
    await on_server(server.app.state.mail_digester.stop())
    client, admin_id = await admin_client(db_url, base_url, "digest-admin@bench.test")
    await client.close()
    started = time.monotonic()
    await seed_digest(db_url, admin_id, args.users, args.spaces)
    print(f"seeded {args.users} users on a weekly digest in {time.monotonic() - started:.1f} s", flush=True)
    addresses = [f"d{n}@bench.test" for n in range(args.users)]
    started = time.monotonic()
    written = await on_server(server.app.state.mail_digester.round())
    built = time.monotonic()
    await receipts.wait(addresses, timeout=args.digest_timeout)
    times = sorted(receipts.at[a] for a in addresses)
    return {
        "written": written,
        "build_s": built - started,
        "sent_per_s": (len(times) - 1) / max(times[-1] - times[0], 1e-9),
        "total_s": times[-1] - started,
    }


async def reply_rows(db_url: str) -> int:
    engine = create_async_engine(db_url, poolclass=NullPool)
    try:
        async with session_factory(engine)() as db:
            return await db.scalar(select(func.count()).select_from(MailOutbox).where(MailOutbox.kind == "reply"))
    finally:
        await engine.dispose()


async def seed_post(db_url: str, base_url: str, fanout: int) -> tuple[Client, int]:
    client, admin_id = await admin_client(db_url, base_url, "post-admin@bench.test")
    cities = [
        expect(await client.post("/api/cities", json={"name": n, "country": "X", "profile": "newer"}), 201)["id"]
        for n in ("Ghent", "Hue")
    ]
    space = expect(await client.post("/api/spaces", json={"name": "Post latency", "city_ids": cities}), 201)["id"]
    thread = expect(await client.post(f"/api/spaces/{space}/threads", json={"title": "Busy", "body": "start"}), 201)[
        "id"
    ]
    engine = create_async_engine(db_url, poolclass=NullPool)
    async with session_factory(engine)() as db:
        ids = await bulk_users(db, "q", fanout)
        await db.execute(
            insert(Membership), [{"space_id": space, "user_id": u, "role": "member", "state": "active"} for u in ids]
        )
        await db.execute(
            insert(Message),
            [
                {"thread_id": thread, "space_id": space, "author_id": u, "body": "me too", "html": "<p>me too</p>"}
                for u in ids
            ],
        )
        await db.commit()
    await engine.dispose()
    return client, thread


async def post_case(args, db_url: str, base_url: str, server, receipts, worker=None) -> dict:
    """Alternating blocks, mail off first; before an "on" block the notifier catches up on the
    replies posted while it was stopped, so each block measures only its own mail work."""
    on_server = OnServer(server.app, worker)
    base = await reply_rows(db_url)
    client, thread = await seed_post(db_url, base_url, args.fanout)
    latencies: dict[bool, list[float]] = {False: [], True: []}
    posted = 0
    try:
        for block in range(args.blocks):
            on = block % 2 == 1
            await on_server.mail(on)
            deadline = time.monotonic() + 120
            while on and await reply_rows(db_url) < base + posted * args.fanout:
                if time.monotonic() > deadline:
                    raise RuntimeError("the notifier did not catch up within 120 s")
                await asyncio.sleep(0.1)
            for n in range(args.posts):
                body = {"body": f"block {block} reply {n}", "client_id": f"b{block}-{n}"}
                started = time.monotonic()
                expect(await client.post(f"/api/threads/{thread}/messages", json=body), 201)
                latencies[on].append(time.monotonic() - started)
                posted += 1
                await asyncio.sleep(args.gap)
    finally:
        await on_server.mail(True)
        await client.close()
    return latencies


def report_digest(args, d: dict) -> None:
    print(
        f"\nweekly digest for {args.users} users in {args.spaces} spaces, relay RTT {args.rtt_ms:.0f} ms, "
        f"{args.connections} connections:"
    )
    print(f"  built: {d['written']} digests in {d['build_s']:.1f} s = {d['written'] / d['build_s']:.0f} digests/s")
    print(f"  sent:  {d['sent_per_s']:.0f} mails/s at the sink (first → last receipt)")
    print(f"  total: {d['total_s']:.1f} s from the round's start to the last mail at the sink")
    print(f"  ratio to the goal (60 s for 10,000): {d['total_s'] / 60 * 10_000 / args.users:.2f} (per 10,000 users)")


def report_post(args, lat: dict) -> None:
    ms = lambda seconds: f"{seconds * 1000:.1f} ms"  # noqa: E731
    print(
        f"\nPOST /api/threads/{{id}}/messages, {args.blocks} alternating blocks of {args.posts}, fan-out {args.fanout}:"
    )
    for on in (False, True):
        values = lat[on]
        print(
            f"  mail {'on ' if on else 'off'}: n={len(values)} p50 {ms(percentile(values, 50))},"
            f" p99 {ms(percentile(values, 99))}"
        )
    for p in (50, 99):
        print(f"  ratio on / off p{p}: {percentile(lat[True], p) / percentile(lat[False], p):.2f}")
