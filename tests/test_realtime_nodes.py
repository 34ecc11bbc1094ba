"""Several server processes on one database: cross-node delivery, typing and presence,
slow consumers, listener reconnection and shutdown."""

from __future__ import annotations

import asyncio
import signal
import socket

import asyncpg
import pytest
from websockets.asyncio.client import connect

from realtime.bus import LISTENER_NAME
from server.db.engine import asyncpg_dsn
from tests.realtime_helpers import WAIT, Live, Node, post, thread, ws_url


@pytest.fixture(scope="module")
def nodes(database_url, data_dir, server):
    started = [
        Node(database_url, data_dir, CITYBRIDGE_WS_QUEUE_FRAMES="20", CITYBRIDGE_PRESENCE_INTERVAL="1")
        for _ in range(2)
    ]
    try:
        for node in started:
            node.wait_ready()
        yield started
    finally:
        for node in started:
            node.stop()


async def test_event_committed_on_one_node_reaches_sockets_on_the_other(nodes, world):
    one, two = nodes
    space = world.space_a["id"]
    on_two = await Live.open(two.base_url, world.member, origin=two.base_url)
    await on_two.subscribe(space)
    writer_on_one = await Live.open(one.base_url, world.moderator, origin=one.base_url)
    await writer_on_one.subscribe(space)
    # the write goes through the session's own server: a third process, for that matter
    t = await thread(world.moderator, space)
    for i in range(5):
        await post(world.moderator, t["id"], f"cross-node {i}")
    for live in (on_two, writer_on_one):
        events = await live.events(7, space)
        assert [e["data"].get("body") for e in events[2:]] == [f"cross-node {i}" for i in range(5)]
    await on_two.close()
    await writer_on_one.close()


async def test_typing_and_presence_cross_nodes_and_expire(nodes, world):
    one, two = nodes
    space = world.space_a["id"]
    t = await thread(world.moderator, space)
    member = await Live.open(one.base_url, world.member, origin=one.base_url)
    await member.subscribe(space)
    moderator = await Live.open(two.base_url, world.moderator, origin=two.base_url)
    await moderator.subscribe(space)
    snapshot = await moderator.of_type("presence", space_id=space)
    assert "users" in snapshot
    online = await member.until(
        lambda f: (
            f.get("type") == "presence"
            and f.get("status") == "online"
            and f["user"]["id"] == world.moderator.user["id"]
        )
    )
    assert online["user"]["name"] == "Mieke Moderator"
    await moderator.send({"type": "typing", "thread_id": t["id"]})
    typing = await member.of_type("typing", thread_id=t["id"])
    assert typing["user"]["id"] == world.moderator.user["id"] and typing["expires_in"] > 0
    await moderator.close()
    await member.until(
        lambda f: (
            f.get("type") == "presence"
            and f.get("status") == "offline"
            and f["user"]["id"] == world.moderator.user["id"]
        )
    )
    await member.close()


async def test_presence_of_a_dead_node_expires_on_its_own(nodes, world, database_url, data_dir):
    one, _ = nodes
    space = world.space_a["id"]
    doomed = await Node(database_url, data_dir, CITYBRIDGE_PRESENCE_INTERVAL="1").ready()
    member = await Live.open(one.base_url, world.member, origin=one.base_url)
    await member.subscribe(space)
    moderator = await Live.open(doomed.base_url, world.moderator, origin=doomed.base_url)
    await moderator.subscribe(space)
    await member.until(lambda f: f.get("status") == "online" and f["user"]["id"] == world.moderator.user["id"])
    doomed.stop(signal.SIGKILL)  # no goodbye: only the expiry can take the moderator offline
    await member.until(lambda f: f.get("status") == "offline" and f["user"]["id"] == world.moderator.user["id"])
    await member.close()


async def test_slow_consumer_is_closed_with_4008_without_delaying_others(nodes, world):
    one, _ = nodes
    space = world.space_a["id"]
    t = await thread(world.moderator, space)
    fast = await Live.open(one.base_url, world.moderator, origin=one.base_url)
    await fast.subscribe(space)
    # A client that stops reading: tiny receive buffer, and the library reads at most one frame ahead.
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.connect(("127.0.0.1", one.port))
    slow = await connect(
        ws_url(one.base_url),
        sock=sock,
        max_queue=1,
        compression=None,
        origin=one.base_url,
        additional_headers={"Cookie": f"cb_session={world.member.http.cookies.get('cb_session')}"},
    )
    await slow.send('{"type": "subscribe", "space_id": %d}' % space)
    await fast.until(lambda f: f.get("status") == "online" and f["user"]["id"] == world.member.user["id"])
    big = "x" * 19_000
    posted = 0
    # Some 60 frames fill the socket buffers, 20 more the server's queue for this socket. When the
    # server drops the slow socket, the member goes offline in the space: that is when it starts to read,
    # because a client that reads nothing for 10 s after its close frame gets a 1006 instead.
    dropped = False
    while not dropped and posted < 400:
        await asyncio.gather(*(post(world.moderator, t["id"], f"{posted + i} {big}") for i in range(10)))
        posted += 10
        frames = await fast.quiet(0.05)
        dropped = any(f.get("status") == "offline" for f in frames)
        fast.pending.extend(frames)
    assert dropped
    received = 0
    try:
        while True:
            await asyncio.wait_for(slow.recv(), WAIT)
            received += 1
    except Exception:
        pass
    assert slow.close_code == 4008, f"close code {slow.close_code} after {received} of {posted} events"
    assert received < posted
    events = await fast.events(posted, space, timeout=60)
    assert len(events) == posted
    await fast.close()


async def test_listener_reconnects_and_catches_up(server, world, database_url):
    space = world.space_a["id"]
    t = await thread(world.moderator, space)
    live = await Live.open(server.base_url, world.member)
    await live.subscribe(space)
    conn = await asyncpg.connect(asyncpg_dsn(database_url))
    try:
        killed = await conn.fetchval(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = $1", LISTENER_NAME
        )
        assert killed >= 1
    finally:
        await conn.close()
    for i in range(5):
        await post(world.moderator, t["id"], f"during outage {i}")
    bodies = [e["data"]["body"] for e in await live.events(5, space) if e["kind"] == "message.created"]
    assert bodies == [f"during outage {i}" for i in range(5)]
    await live.close()


async def test_shutdown_closes_sockets_with_1012_and_they_resume_elsewhere(nodes, world, database_url, data_dir):
    one, _ = nodes
    space = world.space_a["id"]
    t = await thread(world.moderator, space)
    leaving = await Node(database_url, data_dir).ready()
    live = await Live.open(leaving.base_url, world.member, origin=leaving.base_url)
    await live.subscribe(space)
    first = await post(world.moderator, t["id"], "before the deploy")
    last_seen = (await live.until(lambda f: f.get("kind") == "message.created"))["id"]
    leaving.stop(signal.SIGTERM)
    assert await live.closed() == 1012
    await post(world.moderator, t["id"], "during the deploy")
    again = await Live.open(one.base_url, world.member, origin=one.base_url)
    await again.subscribe(space, since=last_seen)
    replayed = await again.events(1, space)
    assert replayed[0]["data"]["body"] == "during the deploy" and first["id"] < replayed[0]["data"]["id"]
    await again.close()


async def test_signing_out_closes_the_sessions_sockets_on_every_node(nodes, world):
    one, two = nodes
    sockets = [await Live.open(node.base_url, world.member, origin=node.base_url) for node in (one, two)]
    for live in sockets:
        await live.of_type("hello")
    # signed out through a third process: the session's server
    assert (await world.member.delete("/api/session")).status_code == 204
    for live in sockets:
        assert await live.closed() == 4401
