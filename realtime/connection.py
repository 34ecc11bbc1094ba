"""One client socket: its outgoing queue, its writer, its subscriptions and its flood budget."""

from __future__ import annotations

import asyncio
import time
from collections import deque
from typing import TYPE_CHECKING, Any, Awaitable, Callable

from realtime.log import Event, StreamKey

if TYPE_CHECKING:
    from realtime.hub import Hub

Send = Callable[[dict[str, Any]], Awaitable[None]]


class Sub:
    """A socket's subscription to one stream: how far it got, and whether it is live yet.

    Until `live`, events the hub dispatches are held in `buffer` while the socket
    replays from the table; `buffer` becomes None if it overflows, which makes
    the replay go round once more instead of holding unbounded memory."""

    __slots__ = ("conn", "key", "pos", "live", "buffer", "active", "recheck", "syncing", "via_membership",
                 "present", "resume")

    def __init__(self, conn: "Connection", key: StreamKey, since: int | None) -> None:
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


class Connection:
    __slots__ = ("hub", "send", "user_id", "user_name", "queue", "writer", "subs", "closed",
                 "tokens", "refilled", "refused", "typing_at", "__weakref__")

    def __init__(self, hub: "Hub", send: Send, user_id: int, user_name: str) -> None:
        self.hub = hub
        self.send = send
        self.user_id = user_id
        self.user_name = user_name
        self.queue: deque[str] = deque()
        self.writer: asyncio.Task | None = None
        self.subs: dict[StreamKey, Sub] = {}
        self.closed = False
        self.tokens = float(hub.settings.rate_burst)
        self.refilled = time.monotonic()
        self.refused = 0
        self.typing_at: dict[int, float] | None = None

    def enqueue(self, frame: str) -> None:
        """Queue a frame without waiting. A socket whose queue is full is closed (4008):
        it must never make the hub, or anyone else, wait."""
        if self.closed:
            return
        if len(self.queue) >= self.hub.settings.queue_frames:
            self.hub.close(self, 4008, "too slow: reconnect and resume")
            return
        self.queue.append(frame)
        if self.writer is None:
            self.writer = asyncio.get_running_loop().create_task(self._write())

    async def _write(self) -> None:
        try:
            while self.queue and not self.closed:
                await self.send({"type": "websocket.send", "text": self.queue.popleft()})
        except Exception:
            self.hub.close(self, 1011, "")
        finally:
            self.writer = None

    def room(self) -> int:
        return self.hub.settings.queue_frames - len(self.queue)

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
