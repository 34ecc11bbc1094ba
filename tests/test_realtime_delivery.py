"""Delivery, ordering, resume and the per-user stream, with real websockets clients."""

from __future__ import annotations

import asyncio

from tests.realtime_helpers import Live, post, thread


async def test_subscriber_receives_message_events_in_order(server, world):
    live = await Live.open(server.base_url, world.member)
    hello = await live.of_type("hello")
    assert hello["user"]["id"] == world.member.user["id"]
    ack = await live.subscribe(world.space_a["id"])
    assert ack["type"] == "subscribed"
    t = await thread(world.moderator, world.space_a["id"])
    created = await live.events(2, world.space_a["id"])
    assert [e["kind"] for e in created] == ["thread.created", "message.created"]
    bodies = [f"message {i}" for i in range(10)]
    for body in bodies:
        await post(world.moderator, t["id"], body)
    events = await live.events(10, world.space_a["id"])
    assert [e["data"]["body"] for e in events] == bodies
    ids = [e["id"] for e in created + events]
    assert ids == sorted(ids) and len(set(ids)) == len(ids)
    await live.close()


async def test_bearer_token_and_edit_delete_reaction_events(server, world):
    live = await Live.open(server.base_url, world.bearer, origin=None)
    await live.subscribe(world.space_a["id"])
    t = await thread(world.member, world.space_a["id"])
    message = t["first_message"]
    assert (await world.member.patch(f"/api/messages/{message['id']}", json={"body": "edited"})).status_code == 200
    assert (await world.moderator.put(f"/api/messages/{message['id']}/reactions/👍")).status_code == 200
    assert (await world.moderator.patch(f"/api/threads/{t['id']}", json={"pinned": True})).status_code == 200
    assert (await world.member.delete(f"/api/messages/{message['id']}")).status_code == 204
    kinds = [e["kind"] for e in await live.events(6, world.space_a["id"])]
    assert kinds == [
        "thread.created",
        "message.created",
        "message.edited",
        "reaction.added",
        "thread.updated",
        "message.deleted",
    ]
    await live.close()


async def test_resume_after_forced_disconnect_has_no_gap_and_no_duplicate(server, world):
    space = world.space_a["id"]
    t = await thread(world.moderator, space)
    live = await Live.open(server.base_url, world.member)
    await live.subscribe(space)
    stop = asyncio.Event()
    posted: list[int] = []

    async def keep_posting():
        i = 0
        while not stop.is_set():
            posted.append((await post(world.moderator, t["id"], f"m{i}"))["id"])
            i += 1

    poster = asyncio.create_task(keep_posting())
    seen: list[dict] = []
    for _ in range(3):
        seen += await live.events(5, space)
        last = seen[-1]["id"]
        live.ws.transport.abort()  # a dropped connection, not a polite close
        await asyncio.sleep(0.2)  # messages keep coming meanwhile
        live = await Live.open(server.base_url, world.member)
        ack = await live.subscribe(space, since=last)
        assert ack["type"] == "subscribed"
        # replayed events arrive before the ack: put them back in order
    stop.set()
    await poster
    while True:
        frames = await live.quiet(1.0)
        seen += [f for f in frames if f.get("type") == "event"]
        if not frames:
            break
    message_ids = [e["data"]["id"] for e in seen if e["kind"] == "message.created"]
    assert message_ids == posted
    ids = [e["id"] for e in seen]
    assert ids == sorted(set(ids))
    await live.close()


async def test_mention_notifies_only_the_mentioned_user_on_all_their_sockets(server, world):
    space = world.space_a["id"]
    t = await thread(world.moderator, space)
    handle = (await world.member.get("/api/me")).json()["handle"]
    phone = await Live.open(server.base_url, world.member)
    laptop = await Live.open(server.base_url, world.bearer, origin=None)
    bystander = await Live.open(server.base_url, world.moderator)
    for live in (phone, laptop, bystander):
        await live.of_type("subscribed", notifications=True)
    message = await post(world.moderator, t["id"], f"What do you think, @{handle}?")
    for live in (phone, laptop):
        note = await live.of_type("event", kind="notification.mention")
        assert note["data"]["message_id"] == message["id"] and note["space_id"] is None
    assert not [f for f in await bystander.quiet(1.0) if f.get("kind") == "notification.mention"]
    for live in (phone, laptop, bystander):
        await live.close()
