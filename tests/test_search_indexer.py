"""The indexer against the real PostgreSQL: events that commit out of id order are not skipped."""

from __future__ import annotations

import asyncpg

from search import text
from search.engine import Request
from search.engines.tantivy import TantivyEngine
from search.indexer import Indexer
from server.db.engine import asyncpg_dsn


async def _post(conn, thread: dict, body: str) -> int:
    message_id = await conn.fetchval(
        "INSERT INTO messages (thread_id, space_id, author_id, body, html) VALUES ($1, $2, NULL, $3, $4) RETURNING id",
        thread["id"],
        thread["space_id"],
        body,
        f"<p>{body}</p>",
    )
    # The id drawn at insert, not at commit as changelog.record's are (migration 0032): events of
    # different streams still commit out of id order, and this is the simplest way to make one.
    await conn.execute(
        "INSERT INTO events (id, space_id, kind, data) "
        "VALUES (nextval('events_id_seq'), $1, 'message.created', $2::jsonb)",
        thread["space_id"],
        f'{{"id": {message_id}}}',
    )
    return message_id


async def test_an_event_committed_late_with_a_smaller_id_is_indexed(world, database_url, tmp_path):
    thread = (
        await world.member.post(f"/api/spaces/{world.space_a['id']}/threads", json={"title": "Order", "body": "first"})
    ).json()
    engine = TantivyEngine(tmp_path / "search", heap_bytes=15_000_000)
    await engine.open()
    indexer = Indexer(engine, database_url)
    dsn = asyncpg_dsn(database_url)
    reader, slow, fast = [await asyncpg.connect(dsn) for _ in range(3)]
    try:
        await indexer.step(reader)  # no state yet: rebuilds from the tables
        slow_tx = slow.transaction()
        await slow_tx.start()
        late = await _post(slow, thread, "latecomer words")  # takes the smaller event id
        early = await _post(fast, thread, "punctual words")  # commits first
        await indexer.step(reader)
        found = await engine.search(Request(text.parse("punctual"), None))
        assert [h.document["id"] for h in found.hits] == [early]
        position = await reader.fetchval("SELECT position FROM search_indexer_state WHERE name = $1", indexer.name)
        late_event = await reader.fetchval("SELECT max(id) FROM events") - 1
        assert position < late_event  # not moved past the hole while its transaction runs
        await slow_tx.commit()
        await indexer.step(reader)
        found = await engine.search(Request(text.parse("latecomer"), None))
        assert [h.document["id"] for h in found.hits] == [late]
        position = await reader.fetchval("SELECT position FROM search_indexer_state WHERE name = $1", indexer.name)
        assert position == await reader.fetchval("SELECT max(id) FROM events")
    finally:
        for conn in (reader, slow, fast):
            await conn.close()
        await engine.close()


async def test_a_rolled_back_id_does_not_hold_the_position(world, database_url, tmp_path):
    thread = (
        await world.member.post(
            f"/api/spaces/{world.space_a['id']}/threads", json={"title": "Rollback", "body": "first"}
        )
    ).json()
    engine = TantivyEngine(tmp_path / "search", heap_bytes=15_000_000)
    await engine.open()
    indexer = Indexer(engine, database_url)
    dsn = asyncpg_dsn(database_url)
    reader, other = await asyncpg.connect(dsn), await asyncpg.connect(dsn)
    try:
        await indexer.step(reader)
        tx = other.transaction()
        await tx.start()
        await _post(other, thread, "never committed")
        await tx.rollback()
        kept = await _post(other, thread, "committed words")
        await indexer.step(reader)
        await indexer.step(reader)
        found = await engine.search(Request(text.parse("committed"), None))
        assert [h.document["id"] for h in found.hits] == [kept]
        assert await reader.fetchval(
            "SELECT position FROM search_indexer_state WHERE name = $1", indexer.name
        ) == await reader.fetchval("SELECT max(id) FROM events")
    finally:
        await reader.close()
        await other.close()
        await engine.close()


async def test_a_deleted_thread_takes_its_messages_out_of_the_index(world, database_url, tmp_path):
    thread = (
        await world.member.post(
            f"/api/spaces/{world.space_a['id']}/threads", json={"title": "Doomed", "body": "ephemeral words"}
        )
    ).json()
    engine = TantivyEngine(tmp_path / "search", heap_bytes=15_000_000)
    await engine.open()
    indexer = Indexer(engine, database_url)
    conn = await asyncpg.connect(asyncpg_dsn(database_url))
    try:
        await indexer.step(conn)
        assert (await engine.search(Request(text.parse("ephemeral"), None))).total == 1
        # No service deletes threads yet; the rows go by cascade (as when a space is deleted).
        await conn.execute("DELETE FROM threads WHERE id = $1", thread["id"])
        await conn.execute(
            "INSERT INTO events (space_id, kind, data) VALUES ($1, 'thread.deleted', $2::jsonb)",
            thread["space_id"],
            f'{{"id": {thread["id"]}}}',
        )
        await indexer.step(conn)
        assert (await engine.search(Request(text.parse("ephemeral"), None))).total == 0
        assert (await engine.search(Request(text.parse("doomed"), None))).total == 0
    finally:
        await conn.close()
        await engine.close()
