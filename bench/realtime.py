"""Realtime benchmark (not a test): fan-out, idle connections, reconnect storm, throughput.

    python bench/realtime.py                 # the figures of issue 3
    python bench/realtime.py --scale 0.2     # everything scaled down (connections, storm, audiences)

The server (`citybridge serve`) runs pinned to CPU 1; this load generator, and the embedded
PostgreSQL it starts, to CPU 0. Clients are a deliberately light websocket client (a bare
asyncio protocol, zero mask key) so the client side measures the server, not itself.
Set DATABASE_URL to use an existing PostgreSQL instead of a fresh embedded one.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import os
import random
import struct
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SERVER_CPU, CLIENT_CPU = 1, 0
EVENT_HEAD = len('{"type":"event","id":')


def pin(cpu: int) -> None:
    try:
        os.sched_setaffinity(0, {cpu})
    except (AttributeError, OSError):
        pass


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def ms(value: float) -> str:
    return f"{value * 1000:.1f} ms"


# --- a light websocket client -------------------------------------------------------------------


class LightWS(asyncio.Protocol):
    """Just enough of RFC 6455 for a benchmark client: no fragmentation, no extensions."""

    def __init__(self, on_text) -> None:
        self.on_text = on_text
        self.transport: asyncio.Transport | None = None
        self.buffer = bytearray()
        self.open = asyncio.get_running_loop().create_future()
        self.closed = asyncio.get_running_loop().create_future()
        self.handshaken = False
        self.close_code: int | None = None
        self.state: dict = {}

    def connection_made(self, transport) -> None:
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        buffer = self.buffer
        buffer += data
        if not self.handshaken:
            end = buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            status = bytes(buffer[:12])
            del buffer[: end + 4]
            if b" 101" not in status:
                if not self.open.done():
                    self.open.set_exception(ConnectionError(status.decode(errors="replace")))
                self.transport.close()
                return
            self.handshaken = True
            if not self.open.done():
                self.open.set_result(self)
        while len(buffer) >= 2:
            opcode, length, offset = buffer[0] & 0x0F, buffer[1] & 0x7F, 2
            if length == 126:
                if len(buffer) < 4:
                    return
                length, offset = struct.unpack_from(">H", buffer, 2)[0], 4
            elif length == 127:
                if len(buffer) < 10:
                    return
                length, offset = struct.unpack_from(">Q", buffer, 2)[0], 10
            if len(buffer) < offset + length:
                return
            payload = bytes(buffer[offset : offset + length])
            del buffer[: offset + length]
            if opcode == 1:
                self.on_text(self, payload)
            elif opcode == 9:
                self._frame(0xA, payload)
            elif opcode == 8:
                self.close_code = struct.unpack(">H", payload[:2])[0] if len(payload) >= 2 else 1005
                self.transport.close()

    def connection_lost(self, exc) -> None:
        if not self.open.done():
            self.open.set_exception(ConnectionError("lost before the handshake"))
        if not self.closed.done():
            self.closed.set_result(self.close_code or 1006)

    def _frame(self, opcode: int, payload: bytes) -> None:
        length = len(payload)
        if length < 126:
            head = struct.pack(">BB", 0x80 | opcode, 0x80 | length)
        elif length < 65536:
            head = struct.pack(">BBH", 0x80 | opcode, 0x80 | 126, length)
        else:
            head = struct.pack(">BBQ", 0x80 | opcode, 0x80 | 127, length)
        self.transport.write(head + b"\x00\x00\x00\x00" + payload)  # a zero mask leaves the payload as is

    def send(self, text: str) -> None:
        if self.transport is not None and not self.transport.is_closing():
            self._frame(1, text.encode())

    def abort(self) -> None:
        if self.transport is not None:
            self.transport.abort()


async def ws_connect(
    port: int, on_text, path: str = "/ws", token: str | None = None, state: dict | None = None
) -> LightWS:
    loop = asyncio.get_running_loop()
    _, protocol = await loop.create_connection(lambda: LightWS(on_text), "127.0.0.1", port)
    protocol.state.update(state or {})
    key = base64.b64encode(os.urandom(16)).decode()
    auth = f"Authorization: Bearer {token}\r\n" if token else ""
    protocol.transport.write(
        f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n{auth}\r\n".encode()
    )
    return await asyncio.wait_for(protocol.open, 30)


# --- a light keep-alive HTTP client -------------------------------------------------------------


class RawHTTP:
    def __init__(self, port: int, token: str) -> None:
        self.port, self.token = port, token
        self.reader = self.writer = None

    async def request(self, method: str, path: str, body: dict | None = None) -> tuple[int, bytes]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
        data = json.dumps(body).encode() if body is not None else b""
        self.writer.write(
            f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {self.token}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(data)}\r\n\r\n".encode()
            + data
        )
        head = await self.reader.readuntil(b"\r\n\r\n")
        status = int(head[9:12])
        length = 0
        for line in head.split(b"\r\n"):
            if line.lower().startswith(b"content-length:"):
                length = int(line.split(b":")[1])
        return status, await self.reader.readexactly(length)

    async def post(self, thread_id: int, body: str) -> int:
        status, _ = await self.request("POST", f"/api/threads/{thread_id}/messages", {"body": body})
        return status


def seq_of(payload: bytes) -> int | None:
    start = payload.find(b"bench-")
    if start < 0:
        return None
    end = payload.find(b"-", start + 6)
    return int(payload[start + 6 : end])


def event_id(payload: bytes) -> int:
    return int(payload[EVENT_HEAD : payload.index(b",", EVENT_HEAD)])


# --- servers ------------------------------------------------------------------------------------


class Server:
    def __init__(self, database_url: str, data_dir: Path, secret: str) -> None:
        from tests.harness import free_port

        self.port = free_port()
        self.log_path = data_dir / f"server-{self.port}.log"
        env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "CITYBRIDGE_DATA": str(data_dir),
            "CITYBRIDGE_SECRET_KEY": secret,
            "CITYBRIDGE_LOOP_MONITOR": "1",
            "CITYBRIDGE_RATE_POSTS_PER_MINUTE": "0",
            "CITYBRIDGE_ARGON2_MEMORY_KIB": "1024",
            "CITYBRIDGE_ARGON2_TIME_COST": "1",
            "CITYBRIDGE_LOG_LEVEL": "WARNING",
        }
        self.log = open(self.log_path, "w")
        self.process = subprocess.Popen(
            [sys.executable, "-c", "from server.cli import main; main()", "serve", "--port", str(self.port)],
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            preexec_fn=lambda: pin(SERVER_CPU),
        )

    async def ready(self) -> Server:
        for _ in range(600):
            try:
                reader, writer = await asyncio.open_connection("127.0.0.1", self.port)
                writer.write(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
                if b" 200" in await reader.readline():
                    writer.close()
                    return self
            except OSError:
                pass
            if self.process.poll() is not None:
                raise RuntimeError(self.log_path.read_text()[-3000:])
            await asyncio.sleep(0.1)
        raise RuntimeError("server did not start")

    def rss(self) -> int:
        import psutil

        return psutil.Process(self.process.pid).memory_info().rss

    def max_loop_lag(self) -> str:
        lags = [
            line.split("max event-loop lag ")[1].split(")")[0] + ")"
            for line in self.log_path.read_text().splitlines()
            if "max event-loop lag" in line
        ]
        return lags[-1] if lags else "n/a (no report yet)"

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(30)
        except subprocess.TimeoutExpired:
            self.process.kill()


BASELINE = (
    """
import asyncio, os, sys
os.sched_setaffinity(0, {%d})
from websockets.asyncio.server import serve, broadcast
clients = set()
async def handler(ws):
    if ws.request.path == "/poster":
        async for message in ws:
            await ws.send("ack")
            broadcast(clients, message)
        return
    clients.add(ws)
    try:
        await ws.wait_closed()
    finally:
        clients.discard(ws)
async def main():
    async with serve(handler, "127.0.0.1", int(sys.argv[1]), compression=None, max_queue=None):
        await asyncio.Future()
asyncio.run(main())
"""
    % SERVER_CPU
)


# --- seeding ------------------------------------------------------------------------------------


async def seed(database_url: str, port: int) -> dict:
    """An admin (the poster), a member (the subscribers) with API tokens, a space and threads."""
    from sqlalchemy.ext.asyncio import create_async_engine

    from server.auth import passwords
    from server.db.engine import session_factory
    from server.services import accounts

    passwords.configure(1024, 1)
    engine = create_async_engine(database_url)
    async with session_factory(engine)() as db:
        suffix = os.urandom(3).hex()
        admin = await accounts.create_user(
            db, email=f"admin-{suffix}@bench.test", name="Bench Admin", password="bench password", is_admin=True
        )
        member = await accounts.create_user(
            db, email=f"member-{suffix}@bench.test", name="Bench Member", password="bench password"
        )
        _, admin_token = await accounts.create_api_token(db, admin, "bench", ("read", "write", "admin"))
        _, member_token = await accounts.create_api_token(db, member, "bench")
        await db.commit()
        member_id = member.id
    await engine.dispose()
    http = RawHTTP(port, admin_token)
    cities = []
    for name in (f"Antwerp {suffix}", f"Da Nang {suffix}"):
        _, body = await http.request("POST", "/api/cities", {"name": name, "country": "X", "profile": "newer"})
        cities.append(json.loads(body)["id"])
    _, body = await http.request("POST", "/api/spaces", {"name": f"Bench {suffix}", "city_ids": cities})
    space = json.loads(body)["id"]
    await http.request("PUT", f"/api/spaces/{space}/members/{member_id}", {"role": "member"})
    threads = []
    for i in range(8):
        _, body = await http.request("POST", f"/api/spaces/{space}/threads", {"title": f"T{i}", "body": "start"})
        threads.append(json.loads(body)["id"])
    return {"admin": admin_token, "member": member_token, "space": space, "threads": threads}


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


async def throughput(server: Server, ctx: dict, seconds: float, concurrency: int, subscribers: int) -> dict:
    loop = asyncio.get_running_loop()
    delivered = 0

    def on_text(ws, payload: bytes) -> None:
        nonlocal delivered
        if payload.startswith(b'{"type":"event"') and b"bench-" in payload:
            delivered += 1

    async def connect():
        ws = await ws_connect(server.port, on_text, token=ctx["member"])
        ws.send(json.dumps({"type": "subscribe", "space_id": ctx["space"]}))
        return ws

    sockets = await open_many(subscribers, connect)
    await asyncio.sleep(1)
    latencies: list[float] = []
    errors = 0
    end = loop.time() + seconds

    async def worker(n: int):
        nonlocal errors
        http = RawHTTP(server.port, ctx["admin"])
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

    started = loop.time()
    await asyncio.gather(*(worker(n) for n in range(concurrency)))
    elapsed = loop.time() - started
    expected = len(latencies) * subscribers
    deadline = loop.time() + 30
    while delivered < expected and loop.time() < deadline:
        await asyncio.sleep(0.1)
    delivered_at = loop.time() - started
    for ws in sockets:
        ws.abort()
    return {
        "accepted_per_s": len(latencies) / elapsed,
        "errors": errors,
        "p50": pct(latencies, 50),
        "p99": pct(latencies, 99),
        "delivered": delivered,
        "expected": expected,
        "delivered_per_s": delivered / delivered_at,
    }


# --- main ---------------------------------------------------------------------------------------


async def run(args) -> None:
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    scale = args.scale
    with tempfile.TemporaryDirectory(prefix="citybridge-bench-") as tmp:
        data_dir = Path(tmp)
        database_url = os.environ.get("DATABASE_URL")
        if database_url:
            from server.db.engine import to_asyncpg_url

            database_url = to_asyncpg_url(database_url)
        else:
            from tests.harness import start_database

            database_url = await asyncio.to_thread(start_database, data_dir)
        secret = "bench-secret-" + "x" * 40
        server = await Server(database_url, data_dir, secret).ready()
        print(
            f"server pid {server.process.pid} on CPU {SERVER_CPU}; load generator and PostgreSQL on CPU "
            f"{CLIENT_CPU}; scale {scale}"
        )
        try:
            ctx = await seed(database_url, server.port)
            if "fanout" in args.only:
                subs = max(10, int(1000 * scale))
                ours = await fanout(server.port, subs, 50, args.seconds, ctx=ctx)
                baseline_port = __import__("tests.harness", fromlist=["free_port"]).free_port()
                bare = subprocess.Popen([sys.executable, "-c", BASELINE, str(baseline_port)])
                await asyncio.sleep(1.5)
                theirs = await fanout(baseline_port, subs, 50, args.seconds, ctx=None)
                bare.terminate()
                print(
                    f"\nfan-out: {subs} subscribers, 50 posts/s for {args.seconds:.0f} s (accepted -> last subscriber)"
                )
                print(
                    f"  citybridge  p50 {ms(ours['p50'])}  p99 {ms(ours['p99'])}  "
                    f"({ours['complete']}/{ours['posts']} posts reached everyone; POST p99 {ms(ours['post_p99'])})"
                )
                print(
                    f"  bare ws     p50 {ms(theirs['p50'])}  p99 {ms(theirs['p99'])}  "
                    f"({theirs['complete']}/{theirs['posts']})"
                )
                print(f"  ratio p99   {ours['p99'] / theirs['p99']:.2f}x   (goal <= 1.5x and < 25 ms)")
                print(f"  server max event-loop lag so far: {server.max_loop_lag()}")
            if "connections" in args.only:
                target = max(100, int(15000 * scale))
                held = await connections(server, ctx, target)
                print(
                    f"\nconnections: {held['held']} idle authenticated sockets held "
                    f"({held['authenticated']} acknowledged) of {target} tried"
                    + (f"; stopped by {held['failure']}" if held["failure"] else "")
                )
                print(
                    f"  RSS {held['rss_before'] / 2**20:.0f} MiB -> {held['rss_after'] / 2**20:.0f} MiB: "
                    f"{held['per_connection'] / 1024:.1f} KiB per connection (goal <= 30 KiB)"
                )
            if "storm" in args.only:
                clients = max(50, int(10000 * scale))
                result = await storm(server, ctx, clients, rate=5)
                print(
                    f"\nreconnect storm: {result['clients']} clients dropped at once, 0-1 s jitter, retries "
                    f"with backoff, 5 posts/s throughout"
                )
                print(
                    f"  all caught up (subscribed after replay) {result['caught_up']:.2f} s after the drop "
                    f"(goal < 15 s); events missed {result['missed']}, duplicates {result['duplicates']} "
                    f"over {result['posted']} posts"
                )
            if "throughput" in args.only:
                result = await throughput(server, ctx, args.seconds, concurrency=32, subscribers=10)
                print(
                    f"\nthroughput: 32 concurrent posters, 8 threads of one space, 10 subscribers, {args.seconds:.0f} s"
                )
                print(
                    f"  accepted {result['accepted_per_s']:.0f} posts/s (errors {result['errors']}); POST p50 "
                    f"{ms(result['p50'])} p99 {ms(result['p99'])} (goal 1000/s, p99 < 50 ms)"
                )
                print(
                    f"  delivered {result['delivered']}/{result['expected']} events ({result['delivered_per_s']:.0f}/s)"
                )
            print(f"\nserver max event-loop lag over the run: {server.max_loop_lag()} (goal <= 10 ms)")
        finally:
            await asyncio.sleep(11)  # let the loop monitor write its last report
            print(f"(final loop-lag report: {server.max_loop_lag()})")
            server.stop()
            if not os.environ.get("DATABASE_URL"):
                from server.db import embedded

                stop = getattr(embedded, "stop", None)
                if stop:
                    stop(data_dir)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=1.0, help="multiply audiences and connection counts")
    parser.add_argument("--seconds", type=float, default=10.0, help="length of the fan-out and throughput runs")
    parser.add_argument(
        "--only",
        nargs="+",
        default=["fanout", "connections", "storm", "throughput"],
        choices=["fanout", "connections", "storm", "throughput"],
    )
    args = parser.parse_args()
    pin(CLIENT_CPU)
    try:
        import uvloop

        uvloop.install()
    except ImportError:
        pass
    asyncio.run(run(args))


if __name__ == "__main__":
    main()
