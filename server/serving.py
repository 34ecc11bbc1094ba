"""How `citybridge serve` runs the app under uvicorn: in its own process, or as N worker processes
that share the listening socket (`--workers`, docs/operations.md#every-core).

Workers need nothing of each other: like nodes behind a load balancer, they meet in PostgreSQL
(sessions, rate limits, the change log and its NOTIFY), and the background readers of the log
(search indexer, mail notifier) run in one process at a time by advisory lock. The parent process
starts the embedded database and the mail worker once; each worker builds its app from the
environment the parent prepared.
"""

from __future__ import annotations

import asyncio
import os
import selectors

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from server.api.limits import MAX_HEAD_BYTES, MAX_TARGET_BYTES
from server.config import Settings, load_settings, uvicorn_proxy_options

DEFAULT_MAX_WORKERS = 4  # each holds its own connections: PostgreSQL's default max_connections is 100

# Connections taken from the kernel's accept queue per turn of the event loop (admission pacing).
ACCEPT_BATCH = 64
# Ready sockets handled per turn; epoll is level-triggered, so the others are reported again next turn.
EVENTS_PER_TURN = 256


class PacedEventLoop(asyncio.SelectorEventLoop):
    """asyncio's event loop, paced for crowds (admission pacing, issue 21). asyncio handles every
    ready socket in one turn, before any timer or anything the turn made ready: when 10,000 clients
    drop or come back at once, that turn is thousands of callbacks long. Here a turn takes at most
    EVENTS_PER_TURN ready sockets from the kernel (epoll's `maxevents`: the kernel hands the others
    out in later turns, in turn), and a listening socket's turn accepts at most ACCEPT_BATCH
    connections instead of up to the listen backlog (8192 here), whose transports and handshakes
    all ran in the next turn. The rest wait in the kernel's accept queue, which stays 8192 deep.

    Asking epoll for fewer events matters as much as handling fewer: Python's selector asks for as
    many as there are sockets and builds a tuple for each ready one. In a reconnect storm some 8,000
    sockets stayed ready for seconds, and every turn spent 20-25 ms listing them before handling
    256 (bench/realtime.py --only storm, the loop's turns timed)."""

    def __init__(self, selector=None) -> None:
        if selector is None and hasattr(selectors, "EpollSelector"):
            selector = selectors.EpollSelector()
            selector._selector = _FewerEvents(selector._selector)  # the epoll object it polls
        super().__init__(selector)

    def _accept_connection(self, protocol_factory, sock, sslcontext=None, server=None, backlog=100, *args, **kw):
        return super()._accept_connection(
            protocol_factory, sock, sslcontext, server, min(backlog, ACCEPT_BATCH), *args, **kw
        )


class _FewerEvents:
    """An epoll object whose `poll` returns at most EVENTS_PER_TURN events (see PacedEventLoop)."""

    __slots__ = ("epoll",)

    def __init__(self, epoll) -> None:
        self.epoll = epoll

    def poll(self, timeout=-1, maxevents=-1):
        return self.epoll.poll(timeout, EVENTS_PER_TURN if maxevents <= 0 else min(maxevents, EVENTS_PER_TURN))

    def __getattr__(self, name):  # register, modify, unregister, fileno, close, closed
        return getattr(self.epoll, name)


class BoundedHttpToolsProtocol(HttpToolsProtocol):
    """uvicorn's HTTP/1.1 binding of httptools (llhttp, in C), with h11's safeguard that llhttp
    lacks: a request head (request line and headers) of at most MAX_HEAD_BYTES. Past it the parser
    stops and the client gets 400 and a closed connection, as h11 answers (uvicorn's handling of a
    callback's exception); otherwise the whole head would be kept however long it grew.

    The app keeps only the first 2 * MAX_TARGET_BYTES bytes of the request target: enough for
    server/api/limits.py to refuse it (414 in the error shape). httptools's URL parser refuses
    targets over 64 KiB outright, which would make that refusal a bare 400.

    Against h11 (pure Python), parsing and writing took 8 of the 28 server samples of every
    `GET /api/me` (py-spy under bench/routes.py)."""

    _head = 0

    def on_message_begin(self) -> None:
        self._head = 0
        super().on_message_begin()

    def _count(self, size: int) -> None:
        self._head += size
        if self._head > MAX_HEAD_BYTES:
            raise ValueError("request head too large")

    def on_url(self, url: bytes) -> None:
        self._count(len(url))
        room = 2 * MAX_TARGET_BYTES - len(self.url)
        if room > 0:
            super().on_url(url[:room])

    def on_header(self, name: bytes, value: bytes) -> None:
        self._count(len(name) + len(value) + 4)
        super().on_header(name, value)

    def on_headers_complete(self) -> None:
        previous = self.cycle
        super().on_headers_complete()
        if self.cycle is not previous:  # a new request (not a websocket upgrade): its writes corked
            self.cycle.transport = HeadWithBody(self.transport, self.loop)

    def handle_websocket_upgrade(self) -> None:
        """Hand the connection to the websocket protocol, then let go of the parser: it holds this
        protocol's callbacks, a cycle that only a full garbage collection frees, and the loop's
        collector (realtime/upkeep.py) freezes survivors in between. Kept, it cost some 2 KiB per
        open socket (bench/realtime.py --only connections: 26.3-26.7 KiB a socket against h11's 24.7)."""
        super().handle_websocket_upgrade()
        self.parser = None


class HeadWithBody:
    """The connection's transport as one response sees it: the response head (status line and
    headers, written at `http.response.start`) waits for the first body write and goes out with it,
    one `send` instead of two; an answer whose body does not follow in the same turn of the loop (a
    HEAD, a stream, a `100 Continue` before the body is read) gets its head at the end of that turn.
    After the first body write every write goes straight through, so the transport's flow control
    sees them as before.

    uvicorn writes the two separately, and the client got two segments for one small answer; joined,
    `GET /healthz` took 97.2 µs of server CPU instead of 104.0 (interleaved runs under wrk)."""

    __slots__ = ("transport", "loop", "head", "started")

    def __init__(self, transport: asyncio.Transport, loop: asyncio.AbstractEventLoop) -> None:
        self.transport = transport
        self.loop = loop
        self.head: bytes | None = None  # written, not yet sent
        self.started = False  # the head was written

    def write(self, data: bytes) -> None:
        if self.head is not None:  # the first write after the head: both in one send
            head, self.head = self.head, None
            self.transport.write(head + data)
        elif self.started:
            self.transport.write(data)
        else:  # the head: held until the next write or the end of this turn
            self.started = True
            self.head = data
            self.loop.call_soon(self.flush)

    def flush(self) -> None:
        if self.head is not None:
            head, self.head = self.head, None
            if not self.transport.is_closing():
                self.transport.write(head)

    def is_closing(self) -> bool:
        return self.transport.is_closing()

    def close(self) -> None:
        self.flush()
        self.transport.close()


def worker_count(requested: int) -> int:
    """`requested` if positive; 0 means one per core this process may run on, at most four."""
    if requested > 0:
        return requested
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        cores = os.cpu_count() or 1
    return max(1, min(cores, DEFAULT_MAX_WORKERS))


def worker_environment(settings: Settings, database_url: str, workers: int) -> dict[str, str]:
    """What the spawned workers read instead of resolving it again: the database the parent started,
    its mail worker mode, and each worker's share of the connection pool unless the operator set it."""
    env = {"DATABASE_URL": database_url, "CITYBRIDGE_MAIL_WORKER": settings.mail_worker}
    if "CITYBRIDGE_DB_POOL_SIZE" not in os.environ:
        env["CITYBRIDGE_DB_POOL_SIZE"] = str(max(2, settings.db_pool_size // workers))
    if "CITYBRIDGE_DB_MAX_OVERFLOW" not in os.environ:
        env["CITYBRIDGE_DB_MAX_OVERFLOW"] = str(settings.db_max_overflow // workers)
    return env


def config(app, host: str, port: int, settings: Settings, workers: int = 1):
    """uvicorn's configuration for `app` (the app, or with workers > 1 the import string of a factory)."""
    import uvicorn

    # Websockets: uvicorn's Sans-I/O binding of the `websockets` library. Against the legacy one (four
    # tasks per socket, a signature inspection per handshake) it held an idle authenticated socket in
    # 24.7 KiB instead of 32.5 and brought 10,000 dropped clients back in 14.9 s instead of 23.3
    # (bench/realtime.py --only storm connections). No per-message deflate (it would compress every
    # fanned-out event once per socket and hold zlib state per connection) and frames of at most 1 MiB
    # (the app refuses > 64 KiB with 1009).
    return uvicorn.Config(
        app,
        factory=workers > 1,
        workers=workers,
        host=host,
        port=port,
        http=BoundedHttpToolsProtocol,
        ws="websockets-sansio",
        loop="server.serving:PacedEventLoop",
        lifespan="on",
        timeout_graceful_shutdown=10,
        # Idle keep-alive connections outlive the client's or proxy's own idle timeout (httpx 5 s, nginx
        # 60 s), so a client never reuses a connection the server is closing at that moment (a reset).
        timeout_keep_alive=75,
        log_config=None,
        access_log=False,
        ws_per_message_deflate=False,
        ws_max_size=2**20,
        backlog=8192,
        **uvicorn_proxy_options(settings),
    )


def worker_app():
    """The app of one worker process: the parent put the database URL and the resolved mail worker
    mode in the environment (DATABASE_URL, CITYBRIDGE_MAIL_WORKER)."""
    from server.app import create_app
    from server.cli import _logging
    from server.observability.logging import configure as configure_logging

    _logging()
    settings = load_settings()
    configure_logging(settings.log_format)
    return create_app(settings, settings.database_url)


def run_workers(config) -> None:
    """Bind the socket here and run the workers on it until SIGINT or SIGTERM (uvicorn's supervisor
    passes the signal on and waits for each worker's graceful shutdown)."""
    from uvicorn.supervisors import Multiprocess

    sock = config.bind_socket()
    try:
        Multiprocess(config, sockets=[sock]).run()
    finally:
        sock.close()
