"""The cross-node bus: one PostgreSQL LISTEN connection per node, reconnected when it drops."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable

import asyncpg

log = logging.getLogger("citybridge.realtime")

EVENTS_CHANNEL = "citybridge_events"  # sent at commit by migration 0032's trigger (server/services/changelog.py)
SIGNALS_CHANNEL = "citybridge_signals"  # typing and presence: never written to the log
LISTENER_NAME = "citybridge-realtime-listener"


class Listener:
    """Calls on_payload(channel, payload) for every notification on its channels, and on_connect()
    after each (re)connection, so the hub can catch up on what it missed from the table."""

    def __init__(
        self,
        dsn: str,
        on_payload: Callable[[str, str], None],
        on_connect: Callable[[], None],
        health_interval: float = 10.0,
        channels: tuple[str, ...] = (EVENTS_CHANNEL, SIGNALS_CHANNEL),
        name: str = LISTENER_NAME,
    ) -> None:
        self.dsn = dsn
        self.channels = channels
        self.name = name  # its application_name in pg_stat_activity
        self.on_payload = on_payload
        self.on_connect = on_connect
        self.health_interval = health_interval
        self.connected = asyncio.Event()
        self.connections = 0

    async def run(self) -> None:
        backoff = 0.1
        while True:
            conn: asyncpg.Connection | None = None
            try:
                conn = await asyncpg.connect(self.dsn, timeout=10, server_settings={"application_name": self.name})
                lost = asyncio.Event()
                conn.add_termination_listener(lambda _conn, lost=lost: lost.set())
                for channel in self.channels:
                    await conn.add_listener(channel, self._callback)
                self.connections += 1
                backoff = 0.1
                self.connected.set()
                self.on_connect()
                while not lost.is_set():
                    try:
                        await asyncio.wait_for(lost.wait(), self.health_interval)
                    except TimeoutError:
                        # A half-open TCP connection never reports itself: ask.
                        await conn.fetchval("SELECT 1", timeout=5)
                log.warning("realtime listener lost its database connection; reconnecting")
            except asyncio.CancelledError:
                raise
            except Exception as error:  # any failure: wait and reconnect, then catch up
                log.warning("realtime listener: %s: %s", type(error).__name__, error)
            finally:
                self.connected.clear()
                if conn is not None and not conn.is_closed():
                    conn.terminate()
            await asyncio.sleep(backoff)
            backoff = min(backoff * 2, 5.0)

    @contextlib.asynccontextmanager
    async def running(self):
        """run() in a task for the duration of the block, cancelled at its end."""
        task = asyncio.create_task(self.run(), name=self.name)
        try:
            yield self
        finally:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)

    def _callback(self, _conn, _pid, channel: str, payload: str) -> None:
        try:
            self.on_payload(channel, payload)
        except Exception:
            log.exception("realtime: bad notification on %s", channel)
