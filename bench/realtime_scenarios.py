"""The realtime benchmark's scenarios (bench/realtime.py): fan-out, idle connections, a reconnect
storm and posting throughput, each returning its figures."""

from __future__ import annotations

import asyncio
import json
import random
import time

from bench.realtime_clients import RawHTTP, event_id, pct, seq_of, ws_connect
from bench.realtime_servers import Server

# --- scenarios ----------------------------------------------------------------------------------


async def open_many(count: int, connect, parallel: int = 200) -> list:
    sockets: list = []
    semaphore = asyncio.Semaphore(parallel)

    async def one():
        async with semaphore:
            sockets.append(await connect())

    await asyncio.gather(*(one() for _ in range(count)))
    return sockets


async def fanout(port: int, subscribers: int, rate: float, seconds: float, *, ctx: dict | None) -> dict:
    """p50/p99 from the post being acknowledged to its receipt by the last subscriber."""
    loop = asyncio.get_running_loop()
    received: dict[int, int] = {}
    last_at: dict[int, float] = {}
    subscribed = 0
    all_subscribed = loop.create_future()

    def on_text(ws, payload: bytes) -> None:
        nonlocal subscribed
        if payload.startswith(b'{"type":"subscribed","space_id"'):
            subscribed += 1
            if subscribed == subscribers and not all_subscribed.done():
                all_subscribed.set_result(None)
            return
        seq = seq_of(payload)
        if seq is not None:
            count = received[seq] = received.get(seq, 0) + 1
            if count == subscribers:
                last_at[seq] = loop.time()

    if ctx is not None:  # Citybridge

        async def connect():
            ws = await ws_connect(port, on_text, token=ctx["member"])
            ws.send(json.dumps({"type": "subscribe", "space_id": ctx["space"]}))
            return ws

        http = RawHTTP(port, ctx["admin"])
        thread = ctx["threads"][0]

        async def publish(seq: int) -> float:
            status = await http.post(thread, f"bench-{seq}-end " + "lorem ipsum " * 20)
            assert status == 201, status
            return loop.time()
    else:  # the bare websockets baseline

        async def connect():
            return await ws_connect(port, on_text, path="/sub")

        acks: asyncio.Queue = asyncio.Queue()
        poster = await ws_connect(port, lambda ws, p: acks.put_nowait(loop.time()), path="/poster")
        # the same size as the event frames Citybridge sends for these posts
        filler = "x" * 700

        async def publish(seq: int) -> float:
            poster.send(
                json.dumps({"type": "event", "kind": "message.created", "body": f"bench-{seq}-end", "pad": filler})
            )
            return await acks.get()

    sockets = await open_many(subscribers, connect)
    if ctx is None:
        all_subscribed.set_result(None)
    await asyncio.wait_for(all_subscribed, 120)
    accepted: dict[int, float] = {}
    started = loop.time()
    post_latency = []
    total = int(rate * seconds)
    for seq in range(total):
        await asyncio.sleep(max(0.0, started + seq / rate - loop.time()))
        sent = loop.time()
        accepted[seq] = await publish(seq)
        post_latency.append(accepted[seq] - sent)
    deadline = loop.time() + 30
    while len(last_at) < total and loop.time() < deadline:
        await asyncio.sleep(0.1)
    for ws in sockets:
        ws.abort()
    latencies = [last_at[s] - accepted[s] for s in accepted if s in last_at]
    return {
        "p50": pct(latencies, 50),
        "p99": pct(latencies, 99),
        "complete": len(latencies),
        "posts": total,
        "post_p99": pct(post_latency, 99),
    }


async def conversations(port: int, rate: float, seconds: float, *, ctx: dict | None, seeded: dict) -> dict:
    """Many open two-person conversations, each with its listener's socket subscribed: a post goes to one
    conversation at random; p50/p99 from the post being acknowledged to its receipt by that listener. The
    bare baseline routes each frame to the one socket of its stream."""
    loop = asyncio.get_running_loop()
    count = len(seeded["conversations"])
    received_at: dict[int, float] = {}
    strays = 0  # a frame received by a socket whose conversation it was not posted to
    subscribed = 0
    all_subscribed = loop.create_future()

    def on_text(ws, payload: bytes) -> None:
        nonlocal subscribed, strays
        # (a Citybridge socket is also subscribed to its user's notifications: not counted)
        if payload.startswith(b'{"type":"subscribed","conversation_id"'):
            subscribed += 1
            if subscribed == count and not all_subscribed.done():
                all_subscribed.set_result(None)
            return
        seq = seq_of(payload)
        if seq is not None:
            if targets.get(seq) != ws.state["n"]:
                strays += 1
            received_at.setdefault(seq, loop.time())

    targets: dict[int, int] = {}
    counter = iter(range(count))
    if ctx is not None:  # Citybridge

        async def connect():
            n = next(counter)
            ws = await ws_connect(port, on_text, token=seeded["tokens"][n], state={"n": n})
            ws.send(json.dumps({"type": "subscribe", "conversation_id": seeded["conversations"][n]}))
            return ws

        http = RawHTTP(port, ctx["admin"])

        async def publish(seq: int, n: int) -> float:
            body = {"body": f"bench-{seq}-end " + "lorem ipsum " * 20}
            status, _ = await http.request("POST", f"/api/conversations/{seeded['conversations'][n]}/messages", body)
            assert status == 201, status
            return loop.time()
    else:

        async def connect():
            n = next(counter)
            return await ws_connect(port, on_text, path=f"/sub/{n}", state={"n": n})

        acks: asyncio.Queue = asyncio.Queue()
        poster = await ws_connect(port, lambda ws, p: acks.put_nowait(loop.time()), path="/poster")
        filler = "x" * 700

        async def publish(seq: int, n: int) -> float:
            poster.send(json.dumps({"type": "event", "to": n, "body": f"bench-{seq}-end", "pad": filler}))
            return await acks.get()

    sockets = await open_many(count, connect)
    if ctx is None:
        all_subscribed.set_result(None)
    await asyncio.wait_for(all_subscribed, 300)
    accepted: dict[int, float] = {}
    post_latency = []
    chooser = random.Random(7)
    total = int(rate * seconds)
    started = loop.time()
    for seq in range(total):
        await asyncio.sleep(max(0.0, started + seq / rate - loop.time()))
        targets[seq] = chooser.randrange(count)
        sent = loop.time()
        accepted[seq] = await publish(seq, targets[seq])
        post_latency.append(accepted[seq] - sent)
    deadline = loop.time() + 30
    while len(received_at) < total and loop.time() < deadline:
        await asyncio.sleep(0.1)
    by_n = {ws.state["n"]: ws for ws in sockets}
    # what became of a post nobody received: its listener's socket closed (and with which code), or still open
    missing = [
        (seq, targets[seq], by_n[targets[seq]].closed.done() and by_n[targets[seq]].closed.result())
        for seq in accepted
        if seq not in received_at
    ]
    for ws in sockets:
        ws.abort()
    latencies = [received_at[s] - accepted[s] for s in accepted if s in received_at]
    return {
        "p50": pct(latencies, 50),
        "p99": pct(latencies, 99),
        "complete": len(latencies),
        "posts": total,
        "missing": missing,
        "strays": strays,
        "post_p99": pct(post_latency, 99),
    }


async def connections(server: Server, ctx: dict, target: int) -> dict:
    """Idle authenticated sockets held by the one server process, and resident memory per socket."""
    await asyncio.sleep(1)
    before = server.rss()
    ready = 0

    def on_text(ws, payload: bytes) -> None:
        nonlocal ready
        if payload.startswith(b'{"type":"subscribed"'):
            ready += 1

    sockets: list = []
    failure = None
    for start in range(0, target, 1000):
        try:
            sockets += await open_many(
                min(1000, target - start), lambda: ws_connect(server.port, on_text, token=ctx["member"])
            )
        except Exception as error:  # the process's file limit, or memory: report how far it got
            failure = f"{type(error).__name__}: {error}"
            break
    deadline = time.monotonic() + 60
    while ready < len(sockets) and time.monotonic() < deadline:
        await asyncio.sleep(0.2)
    await asyncio.sleep(2)
    after = server.rss()
    alive = sum(1 for ws in sockets if not ws.closed.done())
    for ws in sockets:
        ws.abort()
    return {
        "held": alive,
        "authenticated": ready,
        "rss_before": before,
        "rss_after": after,
        "per_connection": (after - before) / max(1, alive),
        "failure": failure,
    }


async def storm(server: Server, ctx: dict, clients: int, rate: float) -> dict:
    """Drop every client at once; they reconnect with jittered retries and resume from their last id."""
    loop = asyncio.get_running_loop()
    space = ctx["space"]

    class Client:
        __slots__ = ("ws", "last", "seen", "live", "dups")

        def __init__(self) -> None:
            self.ws, self.last, self.seen, self.live, self.dups = None, None, set(), loop.create_future(), 0

    def on_text(ws, payload: bytes) -> None:
        client = ws.state["client"]
        if payload.startswith(b'{"type":"event"'):
            client.last = event_id(payload)
            seq = seq_of(payload)
            if seq is not None:
                if seq in client.seen:
                    client.dups += 1
                client.seen.add(seq)
        elif payload.startswith(b'{"type":"subscribed","space_id"') and not client.live.done():
            client.live.set_result(loop.time())

    async def connect(client: Client, retries: int = 20) -> None:
        delay = 0.05
        for _ in range(retries):
            try:
                ws = await ws_connect(server.port, on_text, token=ctx["member"], state={"client": client})
                client.ws = ws
                frame = {"type": "subscribe", "space_id": space}
                if client.last is not None:
                    frame["since"] = client.last
                ws.send(json.dumps(frame))
                return
            except Exception:
                await asyncio.sleep(delay * (1 + random.random()))
                delay = min(delay * 2, 2.0)
        raise RuntimeError("could not reconnect")

    population = [Client() for _ in range(clients)]
    semaphore = asyncio.Semaphore(300)

    async def first(client):
        async with semaphore:
            await connect(client)

    await asyncio.gather(*(first(c) for c in population))
    await asyncio.wait_for(asyncio.gather(*(c.live for c in population)), 180)

    http = RawHTTP(server.port, ctx["admin"])
    posted = 0
    stop = asyncio.Event()

    async def poster():
        nonlocal posted
        while not stop.is_set():
            assert await http.post(ctx["threads"][1], f"bench-{posted}-end storm") == 201
            posted += 1
            await asyncio.sleep(1 / rate)

    posting = asyncio.create_task(poster())
    await asyncio.sleep(2)
    for client in population:
        client.live = loop.create_future()
        client.ws.abort()
    dropped_at = loop.time()

    async def back(client):
        await asyncio.sleep(random.random() * 1.0)  # jitter
        await connect(client)

    await asyncio.gather(*(back(c) for c in population))
    await asyncio.wait_for(asyncio.gather(*(c.live for c in population)), 120)
    caught_up = max(c.live.result() for c in population) - dropped_at
    await asyncio.sleep(2)
    stop.set()
    await posting
    deadline = loop.time() + 60
    while loop.time() < deadline and any(len(c.seen) < posted for c in population):
        await asyncio.sleep(0.2)
    missed = sum(posted - len(c.seen) for c in population)
    duplicates = sum(c.dups for c in population)
    for client in population:
        client.ws.abort()
    return {"clients": clients, "caught_up": caught_up, "posted": posted, "missed": missed, "duplicates": duplicates}


def cpu_seconds(pid: int) -> float:
    """CPU time of a process and its children (the server's mail worker), user and system."""
    import psutil

    process = psutil.Process(pid)
    return sum(sum(p.cpu_times()[:2]) for p in [process, *process.children(recursive=True)])


async def throughput(port: int, ctx: dict, seconds: float, concurrency: int, subscribers: int, pid: int) -> dict:
    """Posts accepted per second with `concurrency` posters in one space, and the server's CPU time per
    post (`pid`'s, steadier than rates on a shared machine); with subscribers > 0, their deliveries are
    counted too (the bare post endpoint has none)."""
    loop = asyncio.get_running_loop()
    delivered = 0

    def on_text(ws, payload: bytes) -> None:
        nonlocal delivered
        if payload.startswith(b'{"type":"event"') and b"bench-" in payload:
            delivered += 1

    async def connect():
        ws = await ws_connect(port, on_text, token=ctx["member"])
        ws.send(json.dumps({"type": "subscribe", "space_id": ctx["space"]}))
        return ws

    sockets = await open_many(subscribers, connect) if subscribers else []
    await asyncio.sleep(1)
    latencies: list[float] = []
    errors = 0
    end = loop.time() + seconds

    async def worker(n: int):
        nonlocal errors
        http = RawHTTP(port, ctx["admin"])
        thread = ctx["threads"][n % len(ctx["threads"])]
        i = 0
        while loop.time() < end:
            sent = loop.time()
            status = await http.post(thread, f"bench-{n * 1_000_000 + i}-end throughput")
            if status == 201:
                latencies.append(loop.time() - sent)
            else:
                errors += 1
            i += 1

    started, cpu = loop.time(), cpu_seconds(pid)
    await asyncio.gather(*(worker(n) for n in range(concurrency)))
    elapsed = loop.time() - started
    expected = len(latencies) * subscribers
    deadline = loop.time() + 30
    while delivered < expected and loop.time() < deadline:
        await asyncio.sleep(0.1)
    delivered_at = loop.time() - started
    cpu = cpu_seconds(pid) - cpu  # with the deliveries that followed the last post
    for ws in sockets:
        ws.abort()
    return {
        "accepted_per_s": len(latencies) / elapsed,
        "cpu_ms": 1000 * cpu / max(1, len(latencies)),
        "errors": errors,
        "p50": pct(latencies, 50),
        "p99": pct(latencies, 99),
        "delivered": delivered,
        "expected": expected,
        "delivered_per_s": delivered / delivered_at if subscribers else 0.0,
    }
