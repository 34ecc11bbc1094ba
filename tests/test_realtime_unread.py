"""Read positions, unread and mention counts, and resume across the retention horizon."""

from __future__ import annotations

from datetime import timedelta

import asyncpg

from realtime.retention import prune
from server.db.engine import asyncpg_dsn
from tests.harness import expect
from tests.realtime_helpers import Live, post, thread


async def test_unread_counts_follow_read_positions(server, world):
    space = world.space_a["id"]
    t = await thread(world.moderator, space)
    handle = (await world.member.get("/api/me")).json()["handle"]
    await post(world.moderator, t["id"], "one")
    last = await post(world.moderator, t["id"], f"two, @{handle}")
    await post(world.member, t["id"], "my own message does not count")
    counts = expect(await world.member.get(f"/api/spaces/{space}/unread"), 200)
    assert counts["unread"] == 3 and counts["mentions"] == 1
    assert counts["threads"] == [
        {"thread_id": t["id"], "space_id": space, "unread": 3, "mentions": 1, "last_read_message_id": None}
    ]
    live = await Live.open(server.base_url, world.bearer, origin=None)
    await live.of_type("subscribed", notifications=True)
    state = expect(await world.member.put(f"/api/threads/{t['id']}/read", json={"message_id": last["id"]}), 200)
    assert state["unread"] == 0 and state["last_read_message_id"] == last["id"]
    synced = await live.of_type("event", kind="read.updated")  # the user's other devices hear of it
    assert synced["data"]["thread_id"] == t["id"] and synced["space_id"] is None
    # positions never move backwards
    first = t["first_message"]["id"]
    assert (
        expect(await world.member.put(f"/api/threads/{t['id']}/read", json={"message_id": first}), 200)[
            "last_read_message_id"
        ]
        == last["id"]
    )
    await post(world.moderator, t["id"], "three")
    assert expect(await world.member.get(f"/api/threads/{t['id']}/read"), 200)["unread"] == 1
    totals = expect(await world.member.get("/api/unread"), 200)["items"]
    assert totals == [{"space_id": space, "unread": 1, "mentions": 0}]
    await live.close()


async def test_unread_routes_check_access_and_input(server, world):
    t = await thread(world.member, world.space_a["id"])
    message_id = t["first_message"]["id"]
    expect(await world.outsider.get(f"/api/spaces/{world.space_a['id']}/unread"), 404)
    expect(await world.outsider.put(f"/api/threads/{t['id']}/read", json={"message_id": message_id}), 404)
    expect(await world.anonymous.get("/api/unread"), 401)
    other = await thread(world.member, world.space_a["id"], title="Another")
    expect(
        await world.member.put(f"/api/threads/{t['id']}/read", json={"message_id": other["first_message"]["id"]}), 422
    )
    expect(await world.member.put(f"/api/threads/{t['id']}/read", json={"message_id": "x"}), 422)
    paths = expect(await world.member.get("/api/openapi.json"), 200)["paths"]
    assert {"/api/threads/{thread_id}/read", "/api/spaces/{space_id}/unread", "/api/unread"} <= set(paths)


async def test_resume_from_before_the_retention_horizon_gets_a_reset(server, world, database_url):
    space = world.space_a["id"]
    t = await thread(world.moderator, space)
    old = await post(world.moderator, t["id"], "old news")
    conn = await asyncpg.connect(asyncpg_dsn(database_url))
    try:
        await conn.execute("UPDATE events SET created_at = now() - interval '40 days'")
        assert await prune(conn, older_than=timedelta(days=30)) > 0
    finally:
        await conn.close()
    fresh = await post(world.moderator, t["id"], "fresh")
    live = await Live.open(server.base_url, world.member)
    await live.send({"type": "subscribe", "space_id": space, "since": 1})
    reset = await live.of_type("reset", space_id=space)
    assert reset["reason"] == "resume_gap" and reset["last_id"] >= 1
    await live.of_type("subscribed", space_id=space)
    await post(world.moderator, t["id"], "live again")
    assert (await live.events(1, space))[0]["data"]["body"] == "live again"
    # a position after the horizon resumes normally
    again = await Live.open(server.base_url, world.member)
    await again.send({"type": "subscribe", "space_id": space, "since": reset["last_id"] - 1})
    frames = []
    while not frames or frames[-1].get("type") != "subscribed":
        frames.append(await again.next())
    assert not [f for f in frames if f["type"] == "reset"]
    assert old["id"] < fresh["id"]
    await live.close()
    await again.close()


async def test_scheduled_prune_never_passes_the_search_indexers_position(server, world, database_url):
    from realtime.retention import prune_once

    t = await thread(world.moderator, world.space_a["id"])
    for i in range(3):
        await post(world.moderator, t["id"], f"old {i}")
    pool = await asyncpg.create_pool(asyncpg_dsn(database_url), min_size=1, max_size=2)
    try:
        ids = [r["id"] for r in await pool.fetch("SELECT id FROM events ORDER BY id")]
        await pool.execute("UPDATE events SET created_at = now() - interval '40 days'")
        await pool.execute("DELETE FROM search_indexer_state")
        await pool.execute(
            "INSERT INTO search_indexer_state (name, position, generation) VALUES ('a', $1, 'g'), ('b', $2, 'g')",
            ids[-1],
            ids[2],
        )
        assert await prune_once(pool, (4, 0), older_than=timedelta(days=30)) == 3
        assert [r["id"] for r in await pool.fetch("SELECT id FROM events ORDER BY id")] == ids[3:]
        assert await pool.fetchval("SELECT pruned_through FROM changelog_horizon") == ids[2]
        await pool.execute("DELETE FROM search_indexer_state")
        assert await prune_once(pool, (4, 0), older_than=timedelta(days=30)) == len(ids) - 3
    finally:
        await pool.close()
