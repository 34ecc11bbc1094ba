"""Direct conversations over the websocket: a conversation is a stream like a space, followed by its
current participants only (issue 15)."""

from __future__ import annotations

import asyncio

from tests.harness import expect
from tests.realtime_helpers import Live


async def start(client, *people) -> dict:
    body = {"participant_ids": [p.user["id"] for p in people]}
    return expect(await client.post("/api/conversations", json=body), 201)


async def say(client, conversation_id: int, text: str) -> dict:
    return expect(await client.post(f"/api/conversations/{conversation_id}/messages", json={"body": text}), 201)


async def follow(live: Live, conversation_id: int, since: int | None = None) -> dict:
    frame: dict = {"type": "subscribe", "conversation_id": conversation_id}
    if since is not None:
        frame["since"] = since
    await live.send(frame)
    return await live.until(
        lambda f: f.get("conversation_id") == conversation_id and f["type"] in ("subscribed", "error")
    )


def said(frames: list[dict]) -> list[int]:
    return [f["data"]["id"] for f in frames if f.get("type") == "event" and f["kind"] == "dm.created"]


async def test_two_officials_talk_live_and_nobody_else_sees_a_frame(server, world):
    talk = await start(world.member, world.other)
    member = await Live.open(server.base_url, world.member)
    other = await Live.open(server.base_url, world.other)
    admin = await Live.open(server.base_url, world.admin)
    outsider = await Live.open(server.base_url, world.outsider)
    assert (await follow(member, talk["id"]))["type"] == "subscribed"
    assert (await follow(other, talk["id"]))["type"] == "subscribed"
    for stranger in (admin, outsider):
        refused = await follow(stranger, talk["id"])
        assert refused["type"] == "error" and refused["code"] == "not_found"
    hello = await say(world.member, talk["id"], "Who handles housing in Wrocław?")
    frame = await other.until(lambda f: f.get("type") == "event" and f["kind"] == "dm.created")
    assert frame["conversation_id"] == talk["id"] and "space_id" not in frame
    assert frame["data"]["id"] == hello["id"] and frame["data"]["body"].startswith("Who handles")
    await member.until(lambda f: f.get("type") == "event" and f["kind"] == "dm.created")
    await say(world.other, talk["id"], "I do.")
    await member.until(lambda f: f.get("type") == "event" and f["data"].get("body") == "I do.")
    for stranger in (admin, outsider):
        frames = await stranger.quiet(1.0)
        assert not [f for f in frames if f.get("conversation_id") == talk["id"] or "Wrocław" in str(f)], frames
    for live in (member, other, admin, outsider):
        await live.close()


async def test_a_new_conversation_is_announced_on_the_participants_own_stream(server, world):
    other = await Live.open(server.base_url, world.other)
    outsider = await Live.open(server.base_url, world.outsider)
    await other.of_type("hello")
    talk = await start(world.member, world.other)
    joined = await other.until(lambda f: f.get("type") == "event" and f["kind"] == "conversation.joined")
    assert joined["data"]["id"] == talk["id"] and joined["user_id"] == world.other.user["id"]
    assert not [f for f in await outsider.quiet(1.0) if f.get("type") == "event"]
    await other.close()
    await outsider.close()


async def test_resume_after_a_forced_disconnect_loses_nothing(server, world):
    talk = await start(world.member, world.other)
    live = await Live.open(server.base_url, world.other)
    await follow(live, talk["id"])
    stop = asyncio.Event()
    posted: list[int] = []

    async def keep_posting():
        i = 0
        while not stop.is_set():
            posted.append((await say(world.member, talk["id"], f"m{i}"))["id"])
            i += 1

    poster = asyncio.create_task(keep_posting())
    seen: list[dict] = []
    for _ in range(3):
        while len(said(seen)) < len(said(seen)) + 1 and len([f for f in seen if f.get("type") == "event"]) < 5 * (
            _ + 1
        ):
            seen.append(await live.until(lambda f: f.get("type") == "event"))
        last = seen[-1]["id"]
        live.ws.transport.abort()  # a dropped connection, not a polite close
        await asyncio.sleep(0.2)  # messages keep coming meanwhile
        live = await Live.open(server.base_url, world.other)
        assert (await follow(live, talk["id"], since=last))["type"] == "subscribed"
    stop.set()
    await poster
    while True:
        frames = await live.quiet(1.0)
        seen += [f for f in frames if f.get("type") == "event"]
        if not frames:
            break
    assert said(seen) == posted
    ids = [e["id"] for e in seen]
    assert ids == sorted(set(ids))
    await live.close()


async def test_a_participant_who_leaves_stops_receiving_at_once(server, world):
    talk = await start(world.member, world.other, world.moderator)
    leaver = await Live.open(server.base_url, world.other)
    stayer = await Live.open(server.base_url, world.moderator)
    await follow(leaver, talk["id"])
    await follow(stayer, talk["id"])
    before = await say(world.member, talk["id"], "before")
    await leaver.until(lambda f: f.get("type") == "event" and f["data"].get("id") == before["id"])
    expect(await world.other.delete(f"/api/conversations/{talk['id']}/participants/me"), 204)
    after = await say(world.member, talk["id"], "after they left")
    await stayer.until(lambda f: f.get("type") == "event" and f["data"].get("id") == after["id"])
    gone = await leaver.until(lambda f: f.get("type") == "unsubscribed")
    assert gone == {"type": "unsubscribed", "conversation_id": talk["id"], "reason": "access_revoked"}
    frames = await leaver.quiet(1.0)
    assert "after they left" not in str(frames)
    # Nor does a replay from before they left send them anything.
    again = await Live.open(server.base_url, world.other)
    refused = await follow(again, talk["id"], since=0)
    assert refused["type"] == "error" and refused["code"] == "not_found"
    assert "after they left" not in str(await again.quiet(1.0))
    for live in (leaver, stayer, again):
        await live.close()


async def test_subscribe_frames_name_one_stream(server, world):
    live = await Live.open(server.base_url, world.member)
    await live.send({"type": "subscribe", "conversation_id": 1, "space_id": world.space_a["id"]})
    error = await live.of_type("error")
    assert error["code"] == "invalid"
    await live.send({"type": "subscribe", "conversation_id": "x"})
    assert (await live.of_type("error"))["code"] == "invalid"
    await live.close()
