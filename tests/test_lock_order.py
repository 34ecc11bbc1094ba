"""Row locks and the change log's advisory lock never wait on each other in a circle.

Writing an event inserts a row whose foreign keys (space, user, conversation) take a KEY SHARE
lock on the row they point at, while the space's advisory lock is held. A service that locks its
space (or user) row FOR UPDATE and then records an event would wait for the advisory lock held by
a concurrent writer, who waits for that row lock: PostgreSQL's deadlock detector kills one, and a
client gets a 500 (found by the API fuzzer: a reaction beside a space change). Services lock rows
FOR NO KEY UPDATE, which serialises them just as well and lets key-share lookups through.
"""

from __future__ import annotations

import asyncio

from sqlalchemy import select
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from server import events
from server.db.engine import session_factory
from server.db.models import Event
from server.services import accounts, changelog, cities, spaces
from server.services.access import space_access


async def test_a_locked_space_and_a_concurrent_event_both_commit(db, database_url):
    admin = await accounts.create_user(
        db, email="a@locks.test", name="Admin", password="correct horse battery", is_admin=True
    )
    pair = [("Antwerp", "Belgium", "traditional"), ("Da Nang", "Vietnam", "newer")]
    city_ids = [(await cities.create_city(db, admin, {"name": n, "country": c, "profile": p})).id for n, c, p in pair]
    space = await spaces.create_space(db, admin, {"name": "Locks", "city_ids": city_ids})
    await db.commit()

    engine = create_async_engine(database_url, poolclass=NullPool)
    sessions = session_factory(engine)
    try:
        async with sessions() as locker, sessions() as writer:
            await space_access(locker, admin, space["id"], for_update=True)  # as a space change does first

            recorded = asyncio.Event()

            async def write() -> None:
                event = events.MessageDeleted(id=1, thread_id=1)
                await changelog.record(writer, event, space_id=space["id"])  # holds the advisory lock
                recorded.set()
                await asyncio.sleep(0.3)  # while the locker asks for it below
                await writer.commit()

            writing = asyncio.create_task(write())
            await asyncio.wait_for(recorded.wait(), 10)  # past the space row the locker holds
            await changelog.record(locker, events.MessageDeleted(id=2, thread_id=1), space_id=space["id"])
            await locker.commit()
            await asyncio.wait_for(writing, 10)
        async with sessions() as reader:
            ids = (
                await reader.scalars(select(Event.data).where(Event.space_id == space["id"]).order_by(Event.id))
            ).all()
        assert [data["id"] for data in ids if data.get("thread_id") == 1] == [1, 2]
    finally:
        await engine.dispose()
