"""Who may follow which space: subscription checks and immediate revocation."""

from __future__ import annotations

import re

from tests.harness import expect
from tests.realtime_helpers import Live, post, thread


async def test_subscribing_to_an_unreadable_space_is_not_found(server, world):
    live = await Live.open(server.base_url, world.outsider)
    answer = await live.subscribe(world.space_a["id"])
    assert answer["type"] == "error" and answer["code"] == "not_found"
    assert (await live.subscribe(999_999))["code"] == "not_found"
    assert (await live.subscribe(world.network["id"]))["type"] == "subscribed"
    await thread(world.member, world.space_a["id"])
    frames = await live.quiet(1.0)
    assert not [f for f in frames if f.get("space_id") == world.space_a["id"]]
    await live.close()


async def test_removed_member_stops_receiving_at_once(server, world):
    space = world.space_a["id"]
    t = await thread(world.moderator, space)
    member = await Live.open(server.base_url, world.member)
    watcher = await Live.open(server.base_url, world.moderator)
    await member.subscribe(space)
    await watcher.subscribe(space)
    await post(world.moderator, t["id"], "before")
    assert (await member.events(1, space))[0]["data"]["body"] == "before"
    expect(await world.moderator.delete(f"/api/spaces/{space}/members/{world.member.user['id']}"), 204)
    await post(world.moderator, t["id"], "after")
    gone = await member.of_type("unsubscribed", space_id=space)
    assert gone["reason"] == "access_revoked"
    later = [f for f in await member.quiet(1.0) if f.get("type") == "event" and f.get("space_id") == space]
    assert all(f["kind"] != "message.created" for f in later)
    # everyone else is still served
    bodies = [e["data"].get("body") for e in await watcher.events(3, space)]
    assert bodies[-1] == "after"
    assert (await member.subscribe(space))["code"] == "not_found"
    await member.close()
    await watcher.close()


async def test_space_turned_members_only_drops_non_members(server, world):
    space = world.network["id"]
    outsider = await Live.open(server.base_url, world.outsider)
    admin = await Live.open(server.base_url, world.admin)
    await outsider.subscribe(space)
    await admin.subscribe(space)
    expect(await world.admin.patch(f"/api/spaces/{space}", json={"visibility": "members"}), 200)
    assert (await outsider.of_type("unsubscribed", space_id=space))["reason"] == "access_revoked"
    await thread(world.admin, space)
    assert [e["kind"] for e in await admin.events(3, space)] == ["space.updated", "thread.created", "message.created"]
    assert not [f for f in await outsider.quiet(1.0) if f.get("kind") == "thread.created"]
    await outsider.close()
    await admin.close()


async def test_leaving_a_network_space_keeps_reading_it(server, world):
    space = world.network["id"]
    expect(await world.admin.put(f"/api/spaces/{space}/members/{world.other.user['id']}", json={"role": "member"}), 200)
    other = await Live.open(server.base_url, world.other)
    await other.subscribe(space)
    expect(await world.other.delete(f"/api/spaces/{space}/members/{world.other.user['id']}"), 204)
    await thread(world.admin, space)
    kinds = [e["kind"] for e in await other.events(3, space)]
    assert kinds == ["member.removed", "thread.created", "message.created"]
    await other.close()


async def test_signing_out_closes_that_sessions_sockets_with_4401(server, world):
    by_cookie = await Live.open(server.base_url, world.member)
    by_token = await Live.open(server.base_url, world.bearer, origin=None)
    await by_cookie.of_type("hello")
    await by_token.of_type("hello")
    expect(await world.member.delete("/api/session"), 204)
    assert await by_cookie.closed() == 4401
    # the same user's socket opened with an API token is not that session
    await by_token.send({"type": "ping"})
    assert (await by_token.of_type("pong"))["type"] == "pong"
    await by_token.close()


async def test_revoking_a_token_closes_its_sockets_with_4401(server, world):
    by_token = await Live.open(server.base_url, world.bearer, origin=None)
    by_cookie = await Live.open(server.base_url, world.member)
    await by_token.subscribe(world.space_a["id"])
    await by_cookie.of_type("hello")
    token = expect(await world.member.get("/api/tokens"), 200)["items"][0]
    expect(await world.member.delete(f"/api/tokens/{token['id']}"), 204)
    assert await by_token.closed() == 4401
    again = await Live.open(server.base_url, world.bearer, origin=None)
    assert await again.closed() == 4401  # and it cannot come back
    await by_cookie.send({"type": "ping"})
    assert (await by_cookie.of_type("pong"))["type"] == "pong"
    await by_cookie.close()


async def test_deactivating_a_user_closes_all_their_sockets(server, world, db):
    from sqlalchemy import select

    from server.db.models import User
    from server.services import accounts

    sockets = [
        await Live.open(server.base_url, world.member),
        await Live.open(server.base_url, world.bearer, origin=None),
    ]
    for live in sockets:
        await live.of_type("hello")
    watcher = await Live.open(server.base_url, world.moderator)
    await watcher.of_type("hello")
    user = await db.scalar(select(User).where(User.id == world.member.user["id"]))
    await accounts.deactivate_user(db, user)
    await db.commit()
    for live in sockets:
        assert await live.closed() == 4401
    await watcher.send({"type": "ping"})
    assert (await watcher.of_type("pong"))["type"] == "pong"
    await watcher.close()


async def test_suspended_member_stops_receiving_at_once(server, world):
    space = world.space_a["id"]
    t = await thread(world.moderator, space)
    member = await Live.open(server.base_url, world.member)
    await member.subscribe(space)
    expect(
        await world.moderator.post(
            f"/api/spaces/{space}/members/{world.member.user['id']}/suspend", json={"reason": "cooling off"}
        ),
        200,
    )
    await post(world.moderator, t["id"], "after the suspension")
    assert (await member.of_type("unsubscribed", space_id=space))["reason"] == "access_revoked"
    later = [f for f in await member.quiet(1.0) if f.get("type") == "event" and f.get("space_id") == space]
    assert all(f["kind"] != "message.created" for f in later)
    await member.close()


async def test_metrics_count_open_websockets_and_events_fanned_out(world, server):
    def value(text: str, name: str) -> float:
        match = re.search(rf"^{name} ([0-9.e+]+)$", text, re.M)
        return float(match.group(1)) if match else 0.0

    before = (await world.anonymous.get("/metrics")).text
    first = await Live.open(server.base_url, world.member)
    second = await Live.open(server.base_url, world.moderator)
    for live in (first, second):
        assert (await live.subscribe(world.space_a["id"]))["type"] == "subscribed"
    expect(
        await world.member.post(f"/api/spaces/{world.space_a['id']}/threads", json={"title": "Metrics", "body": "x"}),
        201,
    )
    for live in (first, second):
        await live.until(lambda f: f.get("kind") == "message.created")
    during = (await world.anonymous.get("/metrics")).text
    assert value(during, "citybridge_websockets_open") >= value(before, "citybridge_websockets_open") + 2
    # thread.created and message.created, each to two sockets
    assert (
        value(during, "citybridge_events_fanned_out_total") >= value(before, "citybridge_events_fanned_out_total") + 4
    )
    await first.ws.close()
    await second.ws.close()
