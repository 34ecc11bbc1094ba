"""`citybridge serve --workers N`: N processes on one port that meet, like nodes, in PostgreSQL."""

from __future__ import annotations

import asyncio
import socket

import httpx
import psutil

from server.serving import ACCEPT_BATCH, EVENTS_PER_TURN, PacedEventLoop
from tests.harness import ServerProcess, expect
from tests.realtime_helpers import Live


def _workers(pid: int) -> list[psutil.Process]:
    return [c for c in psutil.Process(pid).children() if any("spawn_main" in part for part in c.cmdline())]


async def test_two_workers_answer_on_one_port_with_live_events_and_search_from_either(world, database_url, tmp_path):
    node = ServerProcess(database_url, tmp_path, CITYBRIDGE_WORKERS="2").start()
    workers = _workers(node.process.pid)
    try:
        assert len(workers) == 2
        auth = {"Authorization": world.bearer.http.headers["authorization"]}  # the member of space A
        space_id = world.space_a["id"]
        thread = expect(
            await world.member.post(f"/api/spaces/{space_id}/threads", json={"title": "Across", "body": "start"}), 201
        )
        live = await Live.open(node.base_url, headers=auth)
        await live.subscribe(space_id)
        posted = []
        for n in range(12):  # each on a new connection, which either worker may accept
            async with httpx.AsyncClient(base_url=node.base_url, headers=auth, timeout=30) as fresh:
                path = f"/api/threads/{thread['id']}/messages"
                posted.append(expect(await fresh.post(path, json={"body": f"quokka crossing {n}"}), 201)["id"])
        seen = []
        while len(seen) < len(posted):
            frame = await live.until(lambda f: f.get("type") == "event" and f.get("kind") == "message.created")
            seen.append(frame["data"]["id"])
        assert seen == posted  # every post reached the socket, in order, whichever worker took it

        # Whichever worker answers, its search sees what the one indexing worker wrote.
        answers = 0
        loop = asyncio.get_running_loop()
        deadline = loop.time() + 30
        while answers < 8:
            assert loop.time() < deadline, "a worker's search did not see the indexed messages"
            async with httpx.AsyncClient(base_url=node.base_url, headers=auth, timeout=30) as fresh:
                found = expect(await fresh.get("/api/search", params={"q": "quokka"}), 200)
            if any(hit.get("thread_id") == thread["id"] for hit in found["hits"]):
                answers += 1
            else:
                answers = 0  # one that has not caught up yet: start the count again
                await asyncio.sleep(0.2)
    finally:
        node.stop()
    _, alive = psutil.wait_procs(workers, timeout=15)
    assert not alive  # SIGTERM to the parent stops its workers too


def test_a_turn_of_the_event_loop_accepts_at_most_a_batch_of_connections():
    """Admission pacing: asyncio alone takes the whole backlog in one turn (all 200 here)."""
    loop = PacedEventLoop()
    made: list[int] = []

    async def main() -> list[int]:
        server = await loop.create_server(lambda: made.append(1) or asyncio.Protocol(), "127.0.0.1", 0, backlog=1024)
        port = server.sockets[0].getsockname()[1]
        # Connected by the kernel while the loop is busy here: all 200 wait in the accept queue.
        clients = [socket.create_connection(("127.0.0.1", port)) for _ in range(200)]
        per_turn = []
        for _ in range(50):
            before = len(made)
            await asyncio.sleep(0)
            per_turn.append(len(made) - before)
            if len(made) == 200:
                break
        for client in clients:
            client.close()
        server.close()
        return per_turn

    try:
        per_turn = loop.run_until_complete(main())
    finally:
        loop.close()
    assert sum(per_turn) == 200 and max(per_turn) == ACCEPT_BATCH < 200


def test_a_turn_of_the_event_loop_handles_at_most_a_batch_of_ready_sockets_and_starves_none():
    """The others stay ready and are handled in the next turns (epoll hands them out in turn);
    asyncio alone takes all 600 in one turn."""
    loop = PacedEventLoop()
    pairs = [socket.socketpair() for _ in range(600)]
    turns: list[set[int]] = []

    def readable(sock: socket.socket) -> None:  # reads nothing: the socket stays ready
        turns[-1].add(sock.fileno())

    async def main() -> None:
        for ours, _ in pairs:
            ours.setblocking(False)
            loop.add_reader(ours, readable, ours)
        for _, theirs in pairs:
            theirs.send(b"x")
        # The kernel is asked for a batch, not for every ready socket (listing 8,000 cost 20 ms a turn).
        assert len(loop._selector.select(0)) == EVENTS_PER_TURN
        for _ in range(6):
            turns.append(set())
            await asyncio.sleep(0)
        for ours, _ in pairs:
            loop.remove_reader(ours)

    try:
        loop.run_until_complete(main())
    finally:
        loop.close()
        for a, b in pairs:
            a.close()
            b.close()
    busy = [t for t in turns if t]
    assert max(len(t) for t in busy) == EVENTS_PER_TURN < 600
    assert len(set().union(*busy[:3])) == 600  # every socket within ceil(600 / 256) turns
