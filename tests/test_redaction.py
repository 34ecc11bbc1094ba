"""Issue 11, points 1 and 14: replay (`subscribe` with `since`, even 0) never re-sends the text of
content hidden, deleted or edited since, whether the node serves it from its memory of recent events
or from the log; the API still shows hidden content to moderators and the author; collections list
hidden resources only to those who may see them, in answers and in events."""

from __future__ import annotations

import json

import asyncpg

from server.db.engine import asyncpg_dsn
from tests.events_helpers import appended
from tests.harness import expect
from tests.realtime_helpers import Live, post, thread


def _text(frames: list[dict]) -> str:
    return json.dumps(frames)


async def _replay(server, client, space_id: int, since: int = 0) -> list[dict]:
    """Everything a reader who subscribes now with `since` is sent."""
    live = await Live.open(server.base_url, client)
    try:
        assert (await live.subscribe(space_id, since=since))["type"] == "subscribed"
        return [f for f in await live.quiet(1.5) if f.get("type") == "event"]
    finally:
        await live.close()


async def _filler(database_url: str, space_id: int, message: dict, count: int) -> None:
    """`count` reaction events written straight to the log: enough for the node to trim its memory of
    the stream, so that a resume from a recent position is served from memory without a query."""
    conn = await asyncpg.connect(asyncpg_dsn(database_url))
    try:
        data = json.dumps({"message_id": message["id"], "thread_id": message["thread_id"], "user_id": 1, "emoji": "👍"})
        await conn.executemany(
            "INSERT INTO events (space_id, kind, data) VALUES ($1, 'reaction.added', $2::jsonb)",
            [(space_id, data)] * count,
        )
    finally:
        await conn.close()


async def test_replay_leaves_out_the_text_of_a_hidden_message_served_from_memory(server, world, database_url):
    space = world.network["id"]
    watcher = await Live.open(server.base_url, world.member)  # keeps the stream (and its memory) on the node
    await watcher.subscribe(space)
    t = await thread(world.admin, space, body="opening words")
    await _filler(database_url, space, t["first_message"], 400)
    secret = await post(world.admin, t["id"], "the tenant at number nine")
    await watcher.until(lambda f: f.get("kind") == "message.created" and f["data"]["id"] == secret["id"])
    expect(await world.admin.post(f"/api/messages/{secret['id']}/hide", json={"reason": "Names a tenant"}), 200)
    await watcher.until(lambda f: f.get("kind") == "message.hidden")
    created = [e for e in await appended(database_url, kind="message.created") if e["data"]["id"] == secret["id"]]
    for since in (created[0]["id"] - 1, 0):  # from the node's memory, then from the log
        replay = await _replay(server, world.outsider, space, since)
        again = [f for f in replay if f["kind"] == "message.created" and f["data"]["id"] == secret["id"]]
        assert again and again[0]["data"]["body"] == "" and again[0]["data"]["html"] == ""
        assert "number nine" not in _text(replay)
    assert "opening words" in _text(replay)  # what is still visible is replayed as it was
    # the moderator (and the author: here the same person) still reads it through the API
    shown = expect(await world.admin.get(f"/api/threads/{t['id']}/messages"), 200)
    assert "the tenant at number nine" in _text(shown)
    assert "number nine" not in _text(expect(await world.outsider.get(f"/api/threads/{t['id']}/messages"), 200))
    await watcher.close()


async def test_replay_leaves_out_deleted_and_superseded_text_read_from_the_log(server, world):
    space = world.space_a["id"]
    t = await thread(world.member, space, body="opening")
    gone = await post(world.member, t["id"], "a message about to go")
    edited = await post(world.member, t["id"], "first draft wording")
    expect(await world.member.delete(f"/api/messages/{gone['id']}"), 204)
    expect(await world.member.patch(f"/api/messages/{edited['id']}", json={"body": "final wording"}), 200)
    hidden = await post(world.member, t["id"], "mine, soon hidden")
    expect(await world.moderator.post(f"/api/messages/{hidden['id']}/hide", json={"reason": "Off topic"}), 200)
    replay = await _replay(server, world.moderator, space)
    text = _text(replay)
    assert "about to go" not in text and "first draft" not in text and "soon hidden" not in text
    assert "final wording" in text
    assert [f["kind"] for f in replay if f["data"].get("id") == edited["id"]] == ["message.created", "message.edited"]
    # the author still reads their hidden message through the API
    assert "mine, soon hidden" in _text(expect(await world.member.get(f"/api/threads/{t['id']}/messages"), 200))


async def test_collections_and_replay_leave_out_hidden_resources_for_readers_who_cannot_see_them(server, world):
    space = world.network["id"]
    url = f"/api/spaces/{space}/resources"
    kept = expect(
        await world.admin.post(url, json={"kind": "link", "title": "Open guide", "url": "https://a.org/"}), 201
    )
    body = {"kind": "link", "title": "Confidential shortlist", "url": "https://b.org/"}
    secret = expect(await world.admin.post(url, json=body), 201)
    kit = expect(await world.admin.post(f"/api/spaces/{space}/collections", json={"name": "Kit"}), 201)
    for resource in (kept, secret):
        expect(await world.admin.put(f"/api/collections/{kit['id']}/resources/{resource['id']}"), 200)
    expect(await world.admin.post(f"/api/resources/{secret['id']}/hide", json={"reason": "Personal data"}), 200)

    def listed(answer):
        return [c["resource_ids"] for c in answer["items"] if c["id"] == kit["id"]][0]

    assert listed(expect(await world.outsider.get(f"/api/spaces/{space}/collections"), 200)) == [kept["id"]]
    assert listed(expect(await world.admin.get(f"/api/spaces/{space}/collections"), 200)) == [kept["id"], secret["id"]]
    # a later change announces the collection without the hidden resource
    expect(await world.admin.patch(f"/api/collections/{kit['id']}", json={"description": "Start here"}), 200)
    replay = await _replay(server, world.outsider, space)
    assert "Confidential" not in _text(replay)
    for frame in replay:
        if frame["kind"].startswith("collection."):
            assert secret["id"] not in frame["data"]["resource_ids"], frame
    assert [f for f in replay if f["kind"] == "resource.created" and f["data"]["id"] == secret["id"]][0]["data"] == {
        "id": secret["id"],
        "space_id": space,
        "kind": "link",
        "hidden": True,
    }
