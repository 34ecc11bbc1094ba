"""Faults survived: a server killed mid-write, PostgreSQL restarted under load.

Each test runs real `citybridge serve` processes against a PostgreSQL cluster of this module's
own, so it can be stopped and started without disturbing the session's shared database.
"""

from __future__ import annotations

import asyncio
import itertools
import tempfile
from pathlib import Path

import asyncpg
import httpx
import pytest
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from server.auth import passwords
from server.db.engine import asyncpg_dsn, session_factory
from server.services import accounts
from tests.events_helpers import appended
from tests.harness import PrivateCluster, ServerProcess, expect

PASSWORD = "correct horse battery"
POSTERS = 4
_names = itertools.count()


@pytest.fixture(scope="module")
def cluster():
    with tempfile.TemporaryDirectory(prefix="citybridge-faults-") as root:
        cluster = PrivateCluster(Path(root))
        yield cluster
        cluster.close()


@pytest.fixture
def fresh(cluster, tmp_path):
    """A new database on the private cluster, and a data directory for the servers using it."""
    return cluster.create_database(f"faults_{next(_names)}"), tmp_path / "data"


async def seed(url: str, base_url: str) -> tuple[list[httpx.AsyncClient], int]:
    """POSTERS signed-in users (by API token) and a thread for them to post in."""
    passwords.configure(1024, 1)
    engine = create_async_engine(url, poolclass=NullPool)
    async with session_factory(engine)() as db:
        for n in range(POSTERS):
            await accounts.create_user(
                db, email=f"poster{n}@faults.test", name=f"Poster {n}", password=PASSWORD, is_admin=True
            )
        await db.commit()
    await engine.dispose()
    posters = []
    for n in range(POSTERS):
        async with httpx.AsyncClient(base_url=base_url) as signin:
            session = expect(
                await signin.post("/api/session", json={"email": f"poster{n}@faults.test", "password": PASSWORD}), 200
            )
            token = expect(
                await signin.post(
                    "/api/tokens",
                    # The posters are admins (they set the network up and post as admins): admin-scoped tokens.
                    json={"name": "faults", "scopes": ["read", "write", "admin"]},
                    headers={"X-CSRF-Token": session["csrf_token"]},
                ),
                201,
            )["token"]
        posters.append(httpx.AsyncClient(base_url=base_url, headers={"Authorization": f"Bearer {token}"}, timeout=10))
    admin = posters[0]
    cities = [
        expect(await admin.post("/api/cities", json={"name": name, "country": country, "profile": profile}), 201)["id"]
        for name, country, profile in (("Ghent", "Belgium", "traditional"), ("Kigali", "Rwanda", "newer"))
    ]
    space = expect(await admin.post("/api/spaces", json={"name": "Faults", "city_ids": cities}), 201)
    thread = expect(
        await admin.post(f"/api/spaces/{space['id']}/threads", json={"title": "Steady traffic", "body": "first"}), 201
    )
    return posters, thread["thread"]["id"] if "thread" in thread else thread["id"]


class Ledger:
    """What the clients were told: acknowledged posts, refusals, and requests left unanswered."""

    def __init__(self) -> None:
        self.acked: dict[str, int] = {}
        self.unanswered: set[str] = set()
        self.unavailable: list[dict] = []
        self.unexpected: list[str] = []

    async def post_steadily(
        self, client: httpx.AsyncClient, thread_id: int, name: str, stop: asyncio.Event, interval: float = 0.02
    ) -> None:
        for n in itertools.count():
            if stop.is_set():
                return
            client_id = f"{name}-{n}"
            try:
                response = await client.post(
                    f"/api/threads/{thread_id}/messages", json={"body": f"message {client_id}", "client_id": client_id}
                )
            except httpx.HTTPError:
                self.unanswered.add(client_id)
                await asyncio.sleep(interval)
                continue
            if response.status_code in (200, 201):
                self.acked[client_id] = response.json()["id"]
            elif response.status_code == 503:
                self.unanswered.add(client_id)
                self.unavailable.append(response.json())
            else:
                self.unanswered.add(client_id)
                self.unexpected.append(f"{response.status_code} {response.text[:200]}")
            await asyncio.sleep(interval)

    async def wait_for_acks(self, count: int, timeout: float = 20) -> None:
        async with asyncio.timeout(timeout):
            while len(self.acked) < count:
                await asyncio.sleep(0.02)


def server_errors(server: ServerProcess) -> list[str]:
    import json

    errors = []
    for line in server.log_text().splitlines():
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        if entry.get("level") in ("error", "critical"):
            errors.append(entry.get("message", "") + "\n" + entry.get("exception", "")[-1500:])
    return errors[:3]


async def assert_durable(url: str, acked: dict[str, int]) -> None:
    """Every acknowledged post is a message row and a message.created event."""
    conn = await asyncpg.connect(asyncpg_dsn(url))
    try:
        rows = dict(await conn.fetch("SELECT client_id, id FROM messages WHERE client_id IS NOT NULL"))
        duplicates = await conn.fetchval(
            "SELECT count(*) FROM (SELECT client_id FROM messages WHERE client_id IS NOT NULL "
            "GROUP BY author_id, client_id HAVING count(*) > 1) d"
        )
    finally:
        await conn.close()
    events = {e["payload"].id for e in await appended(url, kind="message.created")}
    lost = {cid: mid for cid, mid in acked.items() if rows.get(cid) != mid}
    assert not lost, f"{len(lost)} acknowledged posts are missing: {sorted(lost)[:10]}"
    unlogged = sorted(mid for mid in acked.values() if mid not in events)
    assert not unlogged, f"acknowledged messages without a change-log event: {unlogged[:10]}"
    assert duplicates == 0


async def retry(posters: list[httpx.AsyncClient], thread_id: int, unanswered: set[str], acked: dict[str, int]):
    """Clients retry what got no answer, with the same client_id: each lands exactly once."""
    for client_id in sorted(unanswered):
        poster = posters[int(client_id.split("-")[0][1:])]
        response = await poster.post(
            f"/api/threads/{thread_id}/messages", json={"body": f"message {client_id}", "client_id": client_id}
        )
        assert response.status_code in (200, 201), response.text
        acked[client_id] = response.json()["id"]


async def test_kill_9_loses_no_acknowledged_post(fresh):
    url, data_dir = fresh
    server = ServerProcess(url, data_dir).start()
    posters: list[httpx.AsyncClient] = []
    try:
        posters, thread_id = await seed(url, server.base_url)
        ledger, stop = Ledger(), asyncio.Event()
        workers = [
            asyncio.create_task(ledger.post_steadily(p, thread_id, f"w{i}", stop)) for i, p in enumerate(posters)
        ]
        await ledger.wait_for_acks(40)
        server.kill()
        await asyncio.sleep(0.3)  # the clients see refused connections
        stop.set()
        await asyncio.gather(*workers)
        assert not ledger.unexpected, "\n".join([*ledger.unexpected[:3], *server_errors(server)])

        server = ServerProcess(url, data_dir).start()
        for poster in posters:
            poster.base_url = server.base_url
        await assert_durable(url, ledger.acked)
        await retry(posters, thread_id, ledger.unanswered, ledger.acked)
        await assert_durable(url, ledger.acked)
        # Readers resuming from the start of the thread see every acknowledged message, in order.
        seen, cursor = [], None
        while True:
            page = expect(
                await posters[1].get(
                    f"/api/threads/{thread_id}/messages",
                    params={"limit": 100, **({"cursor": cursor} if cursor else {})},
                ),
                200,
            )
            seen += [m["id"] for m in page["items"]]
            if not (cursor := page["next_cursor"]):
                break
        assert set(ledger.acked.values()) <= set(seen)
        assert seen == sorted(seen)
    finally:
        for poster in posters:
            await poster.aclose()
        server.stop()


async def test_postgres_restart_under_load(fresh, cluster):
    url, data_dir = fresh
    server = ServerProcess(url, data_dir).start()
    posters: list[httpx.AsyncClient] = []
    restarted = False
    try:
        posters, thread_id = await seed(url, server.base_url)
        ledger, stop = Ledger(), asyncio.Event()
        workers = [
            asyncio.create_task(ledger.post_steadily(p, thread_id, f"w{i}", stop)) for i, p in enumerate(posters)
        ]
        await ledger.wait_for_acks(20)
        await asyncio.to_thread(cluster.stop)
        async with asyncio.timeout(20):
            while len(ledger.unavailable) < 3:
                await asyncio.sleep(0.05)
        async with httpx.AsyncClient(base_url=server.base_url) as probe:
            assert (await probe.get("/healthz")).status_code == 200
            ready = await probe.get("/readyz")
            assert ready.status_code == 503
            assert ready.json()["error"]["code"] == "not_ready"
            assert "database" in ready.json()["error"]["fields"]
        for refusal in ledger.unavailable:
            assert set(refusal["error"]) == {"code", "message", "fields"}
            assert refusal["error"]["code"] == "unavailable"

        acked_while_down = len(ledger.acked)
        await asyncio.to_thread(cluster.start)
        restarted = True
        await ledger.wait_for_acks(acked_while_down + 20)  # the server reconnected by itself
        stop.set()
        await asyncio.gather(*workers)
        assert not ledger.unexpected, "\n".join([*ledger.unexpected[:3], *server_errors(server)])
        async with httpx.AsyncClient(base_url=server.base_url) as probe:
            # Every part reconnects on its own; the search indexer may take a few seconds more.
            async with asyncio.timeout(20):
                while (final := await probe.get("/readyz")).status_code != 200:
                    await asyncio.sleep(0.2)
            assert final.json()["status"] == "ok"
        await retry(posters, thread_id, ledger.unanswered - set(ledger.acked), ledger.acked)
        await assert_durable(url, ledger.acked)
    finally:
        if not restarted:
            await asyncio.to_thread(cluster.start)
        for poster in posters:
            await poster.aclose()
        server.stop()
