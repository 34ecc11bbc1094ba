"""Rendered public pages kept in each node's memory, dropped whenever anything may have changed.

A public page shows a little of many rows (a record, its city, its adaptations, the consent of
its author, the messages of a thread), so the cache does not try to know which change touches
which page: every change-log event empties it. Events come to each node by PostgreSQL NOTIFY
(one LISTEN connection, realtime/bus.py); in this process a commit that wrote anything empties
it too, before the writer's answer leaves, so that "unpublish" then "read" on one node can never
meet the old page. While the LISTEN connection is down nothing is served from the cache.
"""

from __future__ import annotations

import asyncio
import contextlib
import weakref
from collections.abc import Hashable

from realtime.bus import EVENTS_CHANNEL, Listener
from server.db import commit_watch
from server.db.engine import asyncpg_dsn
from server.public.http import Prepared

_CACHES: weakref.WeakSet[PageCache] = weakref.WeakSet()


class PageCache:
    def __init__(self, size: int) -> None:
        self.size = size
        self.entries: dict[Hashable, Prepared] = {}
        self.generation = 0
        self.connected: asyncio.Event | None = None  # the node's LISTEN connection is up
        self.hits = self.misses = 0
        _CACHES.add(self)

    @property
    def usable(self) -> bool:
        return self.size > 0 and self.connected is not None and self.connected.is_set()

    def get(self, key: Hashable) -> Prepared | None:
        found = self.entries.get(key) if self.usable else None
        if found is None:
            self.misses += 1
        else:
            self.hits += 1
        return found

    def put(self, key: Hashable, generation: int, prepared: Prepared) -> None:
        """Keep a page rendered while the cache was at `generation`, unless a change came since."""
        if not self.usable or generation != self.generation:
            return
        if len(self.entries) >= self.size:
            del self.entries[next(iter(self.entries))]  # the oldest
        self.entries[key] = prepared

    def clear(self) -> None:
        self.generation += 1
        self.entries.clear()


def _on_payload(cache: PageCache, channel: str, _payload: str) -> None:
    if channel == EVENTS_CHANNEL:
        cache.clear()


def _on_connect(cache: PageCache) -> None:
    cache.clear()  # events may have been missed while the connection was down


@contextlib.asynccontextmanager
async def running(app, database_url: str):
    """The app's page cache, emptied on every change-log event of any node."""
    cache = PageCache(app.state.settings.public_page_cache)
    app.state.public_cache = cache
    if cache.size <= 0 or not app.state.settings.public_knowledge:
        yield cache
        return
    dsn = asyncpg_dsn(database_url)
    listener = Listener(dsn, lambda channel, payload: _on_payload(cache, channel, payload), lambda: _on_connect(cache))
    cache.connected = listener.connected
    async with listener.running():
        yield cache


def _empty_every_cache() -> None:
    for cache in list(_CACHES):
        cache.clear()


# Any write at all: which rows a page shows is not tracked.
commit_watch.watch(
    "public_cache_wrote", flushed=lambda _session: True, executed=lambda _state: True, committed=_empty_every_cache
)
