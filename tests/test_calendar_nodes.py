"""Capacity under load: many people registering at the same moment through two server nodes."""

from __future__ import annotations

import asyncio
from datetime import datetime

import httpx
import pytest

from server.services import accounts
from tests.harness import expect
from tests.realtime_helpers import Node
from tests.test_calendar_events import create

PEOPLE, PLACES = 200, 50


@pytest.fixture(scope="module")
def nodes(database_url, data_dir, server):
    # 200 requests at once fill a node's pool: at the default 30 each, the two nodes, the session's
    # server (whose pool keeps what earlier tests opened), the realtime pools and the background
    # connections can pass PostgreSQL's 100, and a request that cannot connect is answered 503.
    # 15 each keeps the database within it, as docs/operations.md sizes workers.
    started = [Node(database_url, data_dir, CITYBRIDGE_DB_POOL_SIZE="15") for _ in range(2)]
    try:
        for node in started:
            node.wait_ready()
        yield started
    finally:
        for node in started:
            node.stop()


async def test_200_registrations_for_50_places_on_two_nodes(nodes, world, db):
    tokens = []
    for i in range(PEOPLE):
        user = await accounts.create_user(
            db, email=f"official{i}@load.test", name=f"Official {i}", password="correct horse battery"
        )
        tokens.append((await accounts.create_api_token(db, user, "load"))[1])
    await db.commit()
    # A network space: every signed-in official can read it, so every one may register.
    event = await create(world.admin, world.network["id"], capacity=PLACES, registration_deadline=None)
    path = f"/api/events/{event['id']}/registration"
    clients = [
        httpx.AsyncClient(base_url=nodes[i % 2].base_url, headers={"Authorization": f"Bearer {t}"}, timeout=120)
        for i, t in enumerate(tokens)
    ]
    try:
        answers = await asyncio.gather(*(c.put(path, json={"status": "going"}) for c in clients))
        assert all(a.status_code == 200 for a in answers), [a.text for a in answers if a.status_code != 200][:3]
        statuses = [a.json()["status"] for a in answers]
        assert statuses.count("going") == PLACES and statuses.count("waiting") == PEOPLE - PLACES
        # Each waiting answer named a distinct place in the queue.
        assert sorted(a.json()["position"] for a in answers if a.json()["status"] == "waiting") == list(
            range(1, PEOPLE - PLACES + 1)
        )
        listing = expect(await world.admin.get(f"/api/events/{event['id']}/registrations"), 200)
        assert listing["counts"]["going"] == PLACES and listing["counts"]["waiting"] == PEOPLE - PLACES
        going = [i for i in listing["items"] if i["status"] == "going"]
        waiting = [i for i in listing["items"] if i["status"] == "waiting"]
        # In order: every place went to someone who asked before anyone now waiting.
        last_place = max(datetime.fromisoformat(i["queued_at"]) for i in going)
        assert all(datetime.fromisoformat(i["queued_at"]) > last_place for i in waiting)
        assert [i["position"] for i in waiting] == list(range(1, PEOPLE - PLACES + 1))
        # Three people with a place cancel at once, on both nodes: the first three waiting move up.
        leavers = [c for c, a in zip(clients, answers, strict=True) if a.json()["status"] == "going"][:3]
        left = await asyncio.gather(*(c.put(path, json={"status": "not_going"}) for c in leavers))
        assert all(a.status_code == 200 for a in left)
        after = expect(await world.admin.get(f"/api/events/{event['id']}/registrations"), 200)
        assert after["counts"]["going"] == PLACES and after["counts"]["waiting"] == PEOPLE - PLACES - 3
        promoted = {i["user"]["id"] for i in after["items"] if i["status"] == "going"} - {
            i["user"]["id"] for i in going
        }
        assert promoted == {i["user"]["id"] for i in waiting[:3]}
    finally:
        await asyncio.gather(*(c.aclose() for c in clients))
