"""The realtime benchmark's servers (bench/realtime.py): Citybridge itself pinned to its CPU, the bare
`websockets` broadcast it is compared with, and the seeded network they serve."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from bench.realtime_clients import SERVER_CPU, RawHTTP, pin

# --- servers ------------------------------------------------------------------------------------


async def scratch_database(data_dir: Path) -> str:
    """The database a benchmark runs on: DATABASE_URL if set (its data is left behind), else a fresh
    embedded PostgreSQL in data_dir, which stop_scratch_database stops."""
    from server.db.engine import to_asyncpg_url

    if os.environ.get("DATABASE_URL"):
        return to_asyncpg_url(os.environ["DATABASE_URL"])
    from tests.harness import start_database

    return await asyncio.to_thread(start_database, data_dir)


def stop_scratch_database(data_dir: Path) -> None:
    """Stop the embedded PostgreSQL of scratch_database, or it outlives the run (nothing to do when
    DATABASE_URL was set)."""
    if not os.environ.get("DATABASE_URL"):
        from server.db import embedded

        embedded.stop(data_dir)


class Server:
    def __init__(self, database_url: str, data_dir: Path, secret: str) -> None:
        from tests.harness import free_port

        self.port = free_port()
        self.log_path = data_dir / f"server-{self.port}.log"
        env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "CITYBRIDGE_DATA": str(data_dir),
            "CITYBRIDGE_SECRET_KEY": secret,
            "CITYBRIDGE_LOOP_MONITOR": "1",
            "CITYBRIDGE_RATE_POSTS_PER_MINUTE": "0",
            "CITYBRIDGE_ARGON2_MEMORY_KIB": "1024",
            "CITYBRIDGE_ARGON2_TIME_COST": "1",
            # The access log stays on (a JSON line per request), as in production.
            "CITYBRIDGE_WORKERS": "1",  # the one core it is pinned to
        }
        self.log = open(self.log_path, "w")
        self.process = subprocess.Popen(
            [sys.executable, "-c", "from server.cli import main; main()", "serve", "--port", str(self.port)],
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            preexec_fn=lambda: pin(SERVER_CPU),
        )

    async def ready(self) -> Server:
        for _ in range(600):
            try:
                reader, writer = await asyncio.open_connection("127.0.0.1", self.port)
                writer.write(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
                if b" 200" in await reader.readline():
                    writer.close()
                    return self
            except OSError:
                pass
            if self.process.poll() is not None:
                raise RuntimeError(self.log_path.read_text()[-3000:])
            await asyncio.sleep(0.1)
        raise RuntimeError("server did not start")

    def rss(self) -> int:
        import psutil

        return psutil.Process(self.process.pid).memory_info().rss

    def max_loop_lag(self) -> str:
        lags = [
            line.split("max event-loop lag ")[1].split(")")[0] + ")"
            for line in self.log_path.read_text().splitlines()
            if "max event-loop lag" in line
        ]
        return lags[-1] if lags else "n/a (no report yet)"

    def loop_lag(self, since: float, until: float) -> str:
        """The server's event-loop lag between two wall-clock times, merged from its loop monitor's
        reports of each second (realtime/upkeep.py): p99, max and the longest gc pause."""
        from realtime.upkeep import LAG_BUCKETS_MS

        counts, worst, pause = [0] * (len(LAG_BUCKETS_MS) + 1), 0.0, 0.0
        for line in self.log_path.read_text().splitlines():
            if '"lag_histogram"' not in line:
                continue
            entry = json.loads(line)
            at = datetime.strptime(entry["ts"], "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC).timestamp()
            if since < at <= until + 1:  # a report covers the second before it
                counts = [a + b for a, b in zip(counts, entry["lag_histogram"], strict=True)]
                worst, pause = max(worst, entry["lag_max_ms"]), max(pause, entry["gc_pause_max_ms"])
        total = sum(counts)
        if not total:
            return "n/a (no report)"
        seen, p99 = 0, None
        for bound, count in zip((*LAG_BUCKETS_MS, None), counts, strict=True):
            seen += count
            if seen >= 0.99 * total:
                p99 = f"<= {bound} ms" if bound is not None else f"> {LAG_BUCKETS_MS[-1]} ms"
                break
        return f"p99 {p99}, max {worst:.1f} ms, longest gc pause {pause:.1f} ms"

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(30)
        except subprocess.TimeoutExpired:
            self.process.kill()


BASELINE = (
    """
import asyncio, json, os, sys
os.sched_setaffinity(0, {%d})
from websockets.asyncio.server import serve, broadcast
clients = set()
routed = {}  # "/sub/<n>": the sockets of stream n (the conversation case: one frame to one stream)
async def handler(ws):
    path = ws.request.path
    if path == "/poster":
        async for message in ws:
            await ws.send("ack")
            to = json.loads(message).get("to")
            broadcast(clients if to is None else routed.get(to, ()), message)
        return
    group = clients if path == "/sub" else routed.setdefault(int(path.rsplit("/", 1)[1]), set())
    group.add(ws)
    try:
        await ws.wait_closed()
    finally:
        group.discard(ws)
async def main():
    async with serve(handler, "127.0.0.1", int(sys.argv[1]), compression=None, max_queue=None):
        await asyncio.Future()
asyncio.run(main())
"""
    % SERVER_CPU
)


# The floor for posting (issue 21): Starlette + asyncpg under the same uvicorn settings as `citybridge
# serve`, one INSERT with its NOTIFY per request, a bearer token compared with one string, no ORM.
BARE_POST = (
    """
import contextlib, json, os, sys
os.sched_setaffinity(0, {%d})
import asyncpg, uvicorn
from starlette.applications import Starlette
from starlette.responses import JSONResponse
from starlette.routing import Route
url, port, token = sys.argv[1], int(sys.argv[2]), sys.argv[3]
INSERT = (
    "WITH m AS (INSERT INTO bare_posts (thread_id, body) VALUES ($1, $2) RETURNING id, thread_id, body, created_at) "
    "SELECT id, created_at, pg_notify('bare_posts', json_build_object('id', id, 'thread_id', thread_id)::text) FROM m"
)
pool = None
async def post(request):
    if request.headers.get("authorization") != "Bearer " + token:
        return JSONResponse({"error": "not signed in"}, 401)
    body = json.loads(await request.body())
    thread_id = request.path_params["thread_id"]
    row = await pool.fetchrow(INSERT, thread_id, body["body"])
    return JSONResponse({"id": row["id"], "thread_id": thread_id, "body": body["body"],
                         "created_at": row["created_at"].isoformat()}, 201)
@contextlib.asynccontextmanager
async def lifespan(app):
    global pool
    pool = await asyncpg.create_pool(url, min_size=10, max_size=10)
    await pool.execute("CREATE TABLE IF NOT EXISTS bare_posts (id bigserial PRIMARY KEY, thread_id integer, "
                       "body text, created_at timestamptz DEFAULT now())")
    yield
    await pool.close()
app = Starlette(routes=[Route("/api/threads/{thread_id:int}/messages", post, methods=["POST"])], lifespan=lifespan)
uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", ws="none", backlog=8192, timeout_keep_alive=75)
"""
    % SERVER_CPU
)


async def start_bare_post(database_url: str, token: str) -> tuple[subprocess.Popen, int]:
    """The bare post endpoint, once it answers."""
    from server.db.engine import asyncpg_dsn, to_asyncpg_url
    from tests.harness import free_port

    port = free_port()
    dsn = asyncpg_dsn(to_asyncpg_url(database_url))
    process = subprocess.Popen([sys.executable, "-c", BARE_POST, dsn, str(port), token])
    deadline = time.monotonic() + 30
    while True:
        try:
            status, _ = await RawHTTP(port, token).request("POST", "/api/threads/1/messages", {"body": "warm"})
            if status == 201:
                return process, port
        except OSError:
            pass
        if time.monotonic() > deadline or process.poll() is not None:
            process.kill()
            raise RuntimeError("the bare post endpoint did not start")
        await asyncio.sleep(0.1)


# --- seeding ------------------------------------------------------------------------------------


async def seed(database_url: str, port: int) -> dict:
    """An admin (the poster), a member (the subscribers) with API tokens, a space and threads."""
    from sqlalchemy.ext.asyncio import create_async_engine

    from server.auth import passwords
    from server.db.engine import session_factory
    from server.services import accounts

    passwords.configure(1024, 1)
    engine = create_async_engine(database_url)
    async with session_factory(engine)() as db:
        suffix = os.urandom(3).hex()
        admin = await accounts.create_user(
            db, email=f"admin-{suffix}@bench.test", name="Bench Admin", password="bench password", is_admin=True
        )
        member = await accounts.create_user(
            db, email=f"member-{suffix}@bench.test", name="Bench Member", password="bench password"
        )
        _, admin_token = await accounts.create_api_token(db, admin, "bench", ("read", "write", "admin"))
        _, member_token = await accounts.create_api_token(db, member, "bench")
        await db.commit()
        member_id, admin_id = member.id, admin.id
    await engine.dispose()
    http = RawHTTP(port, admin_token)
    cities = []
    for name in (f"Antwerp {suffix}", f"Da Nang {suffix}"):
        _, body = await http.request("POST", "/api/cities", {"name": name, "country": "X", "profile": "newer"})
        cities.append(json.loads(body)["id"])
    _, body = await http.request("POST", "/api/spaces", {"name": f"Bench {suffix}", "city_ids": cities})
    space = json.loads(body)["id"]
    await http.request("PUT", f"/api/spaces/{space}/members/{member_id}", {"role": "member"})
    threads = []
    for i in range(8):
        _, body = await http.request("POST", f"/api/spaces/{space}/threads", {"title": f"T{i}", "body": "start"})
        threads.append(json.loads(body)["id"])
    return {
        "admin": admin_token,
        "admin_id": admin_id,
        "member": member_token,
        "space": space,
        "threads": threads,
    }


async def start_baseline() -> tuple[subprocess.Popen, int]:
    """The bare broadcast server, once it accepts connections (a loaded machine may take seconds)."""
    from tests.harness import free_port

    port = free_port()
    process = subprocess.Popen([sys.executable, "-c", BASELINE, str(port)])
    deadline = time.monotonic() + 30
    while True:
        try:
            _, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.close()
            return process, port
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                raise RuntimeError("the bare websockets baseline did not start") from None
            await asyncio.sleep(0.1)


async def seed_conversations(database_url: str, ctx: dict, count: int) -> dict:
    """`count` two-person conversations, each between the bench admin (who posts) and a person of their own
    (who listens), started through the conversations service as the API would; returns their ids and the
    listeners' API tokens, in the same order."""
    from sqlalchemy import select
    from sqlalchemy.ext.asyncio import create_async_engine

    from server.auth import passwords
    from server.db.engine import session_factory
    from server.db.models import User
    from server.services import accounts, conversations

    passwords.configure(1024, 1)
    engine = create_async_engine(database_url)
    ids: list[int] = []
    tokens: list[str] = []
    suffix = os.urandom(3).hex()
    async with session_factory(engine)() as db:
        admin = await db.scalar(select(User).where(User.id == ctx["admin_id"]))
        for batch in range(0, count, 250):
            for n in range(batch, min(count, batch + 250)):
                person = await accounts.create_user(
                    db, email=f"dm-{suffix}-{n}@bench.test", name=f"Listener {n}", password="bench password"
                )
                _, token = await accounts.create_api_token(db, person, "bench")
                view, _ = await conversations.start(db, admin, [person.id], "")
                ids.append(view["id"])
                tokens.append(token)
            await db.commit()
    await engine.dispose()
    return {"conversations": ids, "tokens": tokens}
