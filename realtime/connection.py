"""One client socket: its outgoing queue, its writer, its subscriptions and its flood budget."""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from websockets.protocol import State

from realtime.log import Event, StreamKey
from realtime.protocol import wire

if TYPE_CHECKING:
    from realtime.hub import Hub

Send = Callable[[dict[str, Any]], Awaitable[None]]


class Sub:
    """A socket's subscription to one stream: how far it got, and whether it is live yet.

    Until `live`, events the hub dispatches are held in `buffer` while the socket
    replays from the table; `buffer` becomes None if it overflows, which makes
    the replay go round once more instead of holding unbounded memory."""

    __slots__ = (
        "conn",
        "key",
        "pos",
        "live",
        "buffer",
        "active",
        "recheck",
        "syncing",
        "via_membership",
        "present",
        "resume",
    )

    def __init__(self, conn: Connection, key: StreamKey, since: int | None) -> None:
        self.conn = conn
        self.key = key
        self.pos: int | None = since
        self.resume = since is not None
        self.live = False
        self.buffer: list[Event] | None = []
        self.active = True
        self.recheck = False
        self.syncing = False
        self.via_membership = True
        self.present = False


OPEN = State.OPEN

# Frames go straight into the socket's transport while it has less than this waiting in its
# write buffer; past it, into the connection's own queue, written at the pace the peer reads.
DIRECT_HIGH_WATER = 64 * 1024


class Connection:
    __slots__ = (
        "hub",
        "send",
        "user_id",
        "user_name",
        "credential",
        "direct",
        "queue",
        "writer",
        "subs",
        "closed",
        "tokens",
        "refilled",
        "refused",
        "typing_at",
        "__weakref__",
    )

    def __init__(
        self, hub: Hub, send: Send, user_id: int, user_name: str, credential: str | None = None, direct: Any = None
    ) -> None:
        self.hub = hub
        self.send = send
        self.user_id = user_id
        self.user_name = user_name
        self.credential = credential
        # uvicorn's websocket protocol object (see realtime.endpoint._direct), or None: then every
        # frame goes through the ASGI `send`.
        self.direct = direct
        self.queue: deque[str] | None = None  # allocated when first needed: most sockets never queue
        self.writer: asyncio.Task | None = None
        self.subs: dict[StreamKey, Sub] = {}
        self.closed = False
        self.tokens = float(hub.settings.rate_burst)
        self.refilled = time.monotonic()
        self.refused = 0
        self.typing_at: dict[int, float] | None = None

    def enqueue(self, frame: str, raw: bytes | None = None) -> None:
        """Send a frame without waiting: written to the transport at once when nothing is queued
        and the peer keeps up (`raw` is the prebuilt wire frame, shared by a whole audience);
        queued otherwise. A socket whose queue is full is closed (4008): it must never make the
        hub, or anyone else, wait."""
        if self.closed:
            return
        queue = self.queue
        if not queue and self.direct is not None and self._write_now(raw if raw is not None else wire(frame)):
            return
        if queue is None:
            queue = self.queue = deque()
        if len(queue) >= self.hub.settings.queue_frames:
            self.hub.close(self, 4008, "too slow: reconnect and resume")
            return
        queue.append(frame)
        if self.writer is None:
            self.writer = asyncio.get_running_loop().create_task(self._write())

    def _write_now(self, data: bytes) -> bool:
        direct = self.direct
        transport = direct.transport
        if transport.get_write_buffer_size() > DIRECT_HIGH_WATER or transport.is_closing():
            return False
        # uvicorn's `websockets-sansio` protocol (what `citybridge serve` runs) keeps the state in
        # its Sans-I/O connection; its legacy `websockets` protocol has it as .state.
        state = direct.state if hasattr(direct, "state") else direct.conn.state
        if state is not OPEN:
            return False
        transport.write(data)
        return True

    async def _write(self) -> None:
        # The frame stays at the head of the queue until it is written, so a direct write can
        # never overtake it.
        queue = self.queue
        try:
            while queue and not self.closed:
                await self.send({"type": "websocket.send", "text": queue[0]})
                if queue:
                    queue.popleft()
        except Exception:
            self.hub.close(self, 1011, "")
        finally:
            self.writer = None

    def room(self) -> int:
        return self.hub.settings.queue_frames - (len(self.queue) if self.queue else 0)

    def allow(self) -> bool:
        """A token bucket over incoming frames."""
        now = time.monotonic()
        settings = self.hub.settings
        self.tokens = min(settings.rate_burst, self.tokens + (now - self.refilled) * settings.rate_per_second)
        self.refilled = now
        if self.tokens >= 1:
            self.tokens -= 1
            self.refused = 0
            return True
        self.refused += 1
        return False

    def typing_allowed(self, thread_id: int) -> bool:
        now = time.monotonic()
        if self.typing_at is None:
            self.typing_at = {}
        if now - self.typing_at.get(thread_id, -1e9) < self.hub.settings.typing_throttle:
            return False
        if len(self.typing_at) > 64:
            self.typing_at.clear()
        self.typing_at[thread_id] = now
        return True
