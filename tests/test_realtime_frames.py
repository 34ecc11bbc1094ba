"""Bad frames, floods and bad credentials get a clear answer; everyone else is still served."""

from __future__ import annotations

import json

from tests.realtime_helpers import Live, thread


async def test_bad_frames_get_error_frames_and_the_socket_stays_usable(server, world):
    live = await Live.open(server.base_url, world.member)
    await live.of_type("subscribed", notifications=True)
    cases = [
        ("not json", "malformed_json"),
        ("[1, 2]", "invalid"),
        (json.dumps({"type": "dance"}), "unknown_type"),
        (json.dumps({"type": "subscribe"}), "invalid"),
        (json.dumps({"type": "subscribe", "space_id": "7"}), "invalid"),
        (json.dumps({"type": "subscribe", "space_id": True}), "invalid"),
        (json.dumps({"type": "subscribe", "space_id": 1, "since": -1}), "invalid"),
        (json.dumps({"type": "subscribe", "space_id": 1, "extra": 1}), "invalid"),
        (json.dumps({"type": "unsubscribe", "space_id": world.space_a["id"]}), "not_subscribed"),
        (json.dumps({"type": "typing", "thread_id": 424242}), "not_found"),
    ]
    for text, code in cases:
        await live.send(text)
        answer = await live.of_type("error")
        assert answer["code"] == code, (text, answer)
    await live.ws.send(b"\x00\x01")
    assert (await live.of_type("error"))["code"] == "bad_frame"
    await live.send({"type": "ping"})
    await live.of_type("pong")
    assert (await live.subscribe(world.space_a["id"]))["type"] == "subscribed"
    assert (await live.subscribe(world.space_a["id"]))["code"] == "already_subscribed"
    await live.send({"type": "unsubscribe", "space_id": world.space_a["id"]})
    assert (await live.of_type("unsubscribed"))["reason"] == "requested"
    await live.close()


async def test_oversized_frame_closes_with_1009_and_others_are_unaffected(server, world):
    bystander = await Live.open(server.base_url, world.moderator)
    await bystander.subscribe(world.space_a["id"])
    live = await Live.open(server.base_url, world.member)
    await live.send(json.dumps({"type": "ping", "pad": "x" * 70_000}))
    assert await live.closed() == 1009
    await thread(world.member, world.space_a["id"])
    assert len(await bystander.events(2, world.space_a["id"])) == 2


async def test_flood_is_rate_limited_then_closed_with_1008(server, world):
    live = await Live.open(server.base_url, world.member)
    for _ in range(400):
        await live.send({"type": "ping"})
    frames = []
    try:
        while True:
            frames.append(await live.next())
    except Exception:
        pass
    assert any(f.get("code") == "rate_limited" for f in frames)
    assert live.ws.close_code == 1008
    again = await Live.open(server.base_url, world.member)  # the user is not banned, only that socket
    await again.send({"type": "ping"})
    await again.of_type("pong")
    await again.close()


async def test_unauthenticated_and_cross_origin_sockets_are_refused(server, world):
    anonymous = await Live.open(server.base_url, None)
    assert await anonymous.closed() == 4401
    wrong_token = await Live.open(server.base_url, None, headers={"Authorization": "Bearer cbt_nope"}, origin=None)
    assert await wrong_token.closed() == 4401
    evil = await Live.open(server.base_url, world.member, origin="https://evil.example")
    assert await evil.closed() == 4403
    no_origin = await Live.open(server.base_url, world.member, origin=None)
    assert await no_origin.closed() == 4403
    bad_query = await Live.open(server.base_url, world.member, query="notifications_since=abc")
    assert await bad_query.closed() == 1008


async def test_plain_http_get_on_ws_is_not_a_websocket(server, world):
    response = await world.member.get("/ws")
    assert response.status_code in (400, 403, 404, 426)


async def test_an_open_socket_keeps_nothing_of_its_handshake_and_still_works(server, world):
    """Some 15,000 idle sockets a node: each lets go of its handshake's headers, parsed request and
    response once it is authenticated (realtime/endpoint.py), and is served as before."""
    live = await Live.open(server.base_url, world.member)
    try:
        await live.of_type("subscribed", notifications=True)
        (conn,) = [c for c in server.app.state.realtime.conns if c.user_id == world.member.user["id"]]
        assert conn.direct is not None  # uvicorn's protocol, written to directly
        assert conn.direct.request is None and conn.direct.response is None
        assert conn.direct.scope["headers"] == ()
        await live.send({"type": "ping"})
        await live.of_type("pong")
        await live.subscribe(world.space_a["id"])
        await thread(world.moderator, world.space_a["id"], "After the handshake")
        created = await live.until(lambda f: f.get("kind") == "thread.created")
        assert created["data"]["title"] == "After the handshake"
    finally:
        await live.close()
