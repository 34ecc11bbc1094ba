"""The streams this node follows (docs/realtime.md, "Several nodes"): each one's cursor in the change
log, its latest events in memory, and how long it stays followed after its last subscriber left.

A stream is a space's events, or one user's own events (notifications)."""

from __future__ import annotations

import asyncio
import logging
import time
from typing import TYPE_CHECKING

from realtime import log as changelog
from realtime.log import Event, StreamKey

if TYPE_CHECKING:
    from realtime.connection import Connection, Sub
    from realtime.hub import Hub

log = logging.getLogger("citybridge.realtime")


class Stream:
    """One stream followed on this node. `recent` keeps its latest events in memory: every event of
    the stream with an id in (floor, cursor], so a resume from there needs no query."""

    __slots__ = ("key", "cursor", "subs", "ready", "recent", "floor", "idle_since", "epoch")

    def __init__(self, key: StreamKey) -> None:
        self.key = key
        self.cursor: int | None = None
        self.subs: dict[Connection, Sub] = {}
        self.ready = asyncio.Event()
        self.recent: list[Event] = []
        self.floor: int | None = None
        self.idle_since: float | None = None  # no subscriber since then: dropped after a while
        self.epoch: int | None = None  # the events table's file node when the cursor was read

    def remember(self, events: list[Event], keep: int) -> None:
        self.recent.extend(events)
        if len(self.recent) > keep + keep // 4:
            cut = len(self.recent) - keep
            self.floor = self.recent[cut - 1].id
            del self.recent[:cut]

    def since(self, pos: int) -> list[Event] | None:
        """The events after pos, if memory holds all of them."""
        if self.floor is None or self.cursor is None or not self.floor <= pos <= self.cursor:
            return None
        recent = self.recent
        if not recent or recent[-1].id <= pos:
            return []
        low, high = 0, len(recent)
        while low < high:
            middle = (low + high) // 2
            if recent[middle].id <= pos:
                low = middle + 1
            else:
                high = middle
        return recent[low:]


async def _latest_and_epoch(hub: Hub, stream: Stream) -> tuple[int, int] | None:
    """The stream's newest id and the log's epoch, retrying while the database is away;
    None once the stream is no longer followed."""
    while hub.streams.get(stream.key) is stream:
        try:
            return await changelog.latest_and_epoch(hub.pool, stream.key)
        except Exception as failure:
            log.warning("realtime: cannot read the change log: %s", failure)
            await asyncio.sleep(1)
    return None


async def init_cursor(hub: Hub, stream: Stream) -> None:
    found = await _latest_and_epoch(hub, stream)
    if found is None:
        return
    latest, stream.epoch = found
    stream.cursor = stream.floor = latest
    stream.ready.set()
    hub.mark(stream.key)


async def revalidate(hub: Hub, stream: Stream) -> None:
    """Ids only grow, unless the database was emptied or restored behind our back (tests
    truncate between cases): then start the stream afresh from the log's newest event."""
    try:
        found = await _latest_and_epoch(hub, stream)
        if found is None:
            return
        latest, epoch = found
        if epoch != stream.epoch or (stream.cursor is not None and latest < stream.cursor):
            fresh = Stream(stream.key)
            fresh.subs = stream.subs
            fresh.cursor = fresh.floor = latest
            fresh.epoch = epoch
            fresh.ready.set()
            hub.streams[stream.key] = fresh
            hub.mark(stream.key)
    finally:
        stream.ready.set()


async def forget_idle(hub: Hub) -> None:
    """Stop following the streams nobody on this node has subscribed to for stream_linger seconds
    (kept meanwhile, and kept up to date, for subscribers back after a deploy or a network drop)."""
    linger = hub.settings.stream_linger
    while True:
        await asyncio.sleep(1.0)
        now = time.monotonic()
        streams = hub.streams
        for key in [k for k, s in streams.items() if s.idle_since is not None and now - s.idle_since > linger]:
            del streams[key]
