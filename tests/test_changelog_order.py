"""The change log's order against the real PostgreSQL (migration 0032, server/services/changelog.py).

An event takes its id, and its stream's turn, when its transaction commits: a writer never waits for
another writer's request to finish, and one space's events still commit in id order. A redacting
event waits for the events already written in its stream, so its rewrite reaches all of them."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import select, text

from server import events
from server.db.engine import create_engine, session_factory
from server.db.models import Event, User
from server.errors import NotFound
from server.services import changelog, messages
from server.services.thread_access import post_access, thread_access
from tests.harness import expect


def reaction(n: int) -> events.ReactionAdded:
    return events.ReactionAdded(message_id=n, thread_id=1, user_id=1, emoji="👍")


async def space_log(sessions, space_id: int) -> list[tuple[int, dict]]:
    async with sessions() as db:
        rows = await db.execute(select(Event.id, Event.data).where(Event.space_id == space_id).order_by(Event.id))
        return [(row.id, row.data) for row in rows]


async def test_a_writer_waits_for_no_one_until_commit_and_ids_follow_commit_order(world, database_url):
    space = world.space_a["id"]
    engine = create_engine(database_url, pool_size=3)
    sessions = session_factory(engine)
    try:
        async with sessions() as slow, sessions() as quick:
            await changelog.record(slow, reaction(1), space_id=space)  # written first, committed last
            await asyncio.wait_for(changelog.record(quick, reaction(2), space_id=space), 5)
            await asyncio.wait_for(quick.commit(), 5)  # the slow one's open transaction holds nothing up
            await slow.commit()
        log = [(event_id, data.get("message_id")) for event_id, data in await space_log(sessions, space)]
        assert [n for _, n in log if n in (1, 2)] == [2, 1]  # id order is commit order
        assert all(event_id > 0 for event_id, _ in log)  # no provisional id is ever seen
    finally:
        await engine.dispose()


async def test_a_redacting_event_waits_for_the_events_written_before_it_and_rewrites_them(world, database_url):
    """A reply quoting message X is written (not yet committed) when X is deleted: the deletion's
    rewrite must reach the reply's event, or the log would keep serving X's text."""
    thread = expect(
        await world.member.post(
            f"/api/spaces/{world.space_a['id']}/threads", json={"title": "Order", "body": "the secret plan"}
        ),
        201,
    )
    quoted = thread["first_message"]["id"]
    engine = create_engine(database_url, pool_size=3)
    sessions = session_factory(engine)
    try:
        async with sessions() as replier, sessions() as deleter:
            author = await replier.get(User, world.moderator.user["id"])
            found, access = await thread_access(replier, author, thread["id"], for_update=True)
            reply, _ = await messages.post(replier, author, found, access, "Agreed", None, reply_to=quoted)
            assert reply["reply_to"]["excerpt"] == "the secret plan"

            owner = await deleter.get(User, world.member.user["id"])
            deleting = asyncio.create_task(messages.delete(deleter, owner, quoted))
            await asyncio.sleep(0.5)
            assert not deleting.done()  # waiting for the reply's transaction, which wrote first
            await replier.commit()
            await asyncio.wait_for(deleting, 5)
            await deleter.commit()
        log = dict(await space_log(sessions, world.space_a["id"]))
        (reply_event,) = [data for data in log.values() if data.get("id") == reply["id"]]
        assert reply_event["reply_to"] == {"id": quoted, "available": False, "author": None, "excerpt": ""}
        assert "the secret plan" not in str(log)
    finally:
        await engine.dispose()


async def test_posts_to_one_thread_wait_for_no_one_and_the_thread_moves_to_the_last_at_commit(world, database_url):
    """Migration 0033: a post no longer holds its thread's row until it commits, so a second post to
    the same thread (or an edit of the thread) goes through while the first is still open; the
    thread's last activity is the newest committed message's, and never moves back."""
    thread = expect(
        await world.member.post(f"/api/spaces/{world.space_a['id']}/threads", json={"title": "Busy", "body": "one"}),
        201,
    )
    engine = create_engine(database_url, pool_size=4)
    sessions = session_factory(engine)

    async def activity() -> tuple:
        async with sessions() as db:
            row = await db.execute(
                text(
                    "SELECT last_activity_at, (SELECT max(created_at) FROM messages WHERE thread_id = :t) "
                    "FROM threads WHERE id = :t"
                ),
                {"t": thread["id"]},
            )
            return tuple(row.one())

    try:
        async with sessions() as slow, sessions() as quick, sessions() as editor:
            author = await slow.get(User, world.member.user["id"])
            found, access = await thread_access(slow, author, thread["id"], for_update=True)
            await messages.post(slow, author, found, access, "written first, committed last", None)

            other = await quick.get(User, world.member.user["id"])
            found, access = await thread_access(quick, other, thread["id"], for_update=True)
            await quick.execute(text("SET LOCAL lock_timeout = '2s'"))
            await asyncio.wait_for(messages.post(quick, other, found, access, "written second", None), 5)
            await asyncio.wait_for(quick.commit(), 5)
            await editor.execute(text("SET LOCAL lock_timeout = '2s'"))
            await editor.execute(text("UPDATE threads SET title = 'Busy, renamed' WHERE id = :t"), {"t": thread["id"]})
            await editor.commit()

            last, newest = await activity()
            assert last == newest  # the quick post's time: the slow one has not committed
            await slow.commit()
        last, newest = await activity()
        assert last == newest  # both committed: the newest message's time (the slow one started first)

        async with sessions() as db:  # a message dated back does not move the thread back
            await db.execute(
                text(
                    "INSERT INTO messages (thread_id, space_id, author_id, body, html, created_at) "
                    "VALUES (:t, :s, :a, 'old', '<p>old</p>', now() - interval '3 days')"
                ),
                {"t": thread["id"], "s": world.space_a["id"], "a": world.member.user["id"]},
            )
            await db.commit()
        assert (await activity())[0] == last
    finally:
        await engine.dispose()


async def test_a_post_whose_thread_went_after_its_access_check_is_refused_as_not_found(world, database_url):
    """A post's access check and its message are statements of their own (no transaction holds the
    thread between them): a thread deleted in between fails the message's foreign key, which is
    answered as a thread that does not exist, with nothing written."""
    thread = expect(
        await world.member.post(f"/api/spaces/{world.space_a['id']}/threads", json={"title": "Gone", "body": "soon"}),
        201,
    )
    engine = create_engine(database_url, pool_size=3)
    sessions = session_factory(engine)
    try:
        async with sessions() as db:
            author = await db.get(User, world.member.user["id"])
            found = await post_access(db, author, thread["id"], None)
            async with sessions() as other:
                await other.execute(text("DELETE FROM threads WHERE id = :id"), {"id": thread["id"]})
                await other.commit()
            with pytest.raises(NotFound):
                await messages.post(db, author, found.thread, found.access, "too late", None, slot=found.slot)
        async with sessions() as db:
            kept = await db.scalar(text("SELECT count(*) FROM messages WHERE body = 'too late'"))
            told = await db.scalar(text("SELECT count(*) FROM events WHERE data ->> 'body' = 'too late'"))
            assert (kept, told) == (0, 0)
    finally:
        await engine.dispose()
