"""The node's background upkeep (docs/realtime.md, "Retention" and "Garbage collection"): pruning
the change log, keeping garbage collections short, and, on demand, measuring event-loop lag."""

from __future__ import annotations

import asyncio
import bisect
import gc
import logging
import random
import time
from datetime import timedelta
from typing import TYPE_CHECKING

from realtime import retention

if TYPE_CHECKING:
    from realtime.hub import Hub

log = logging.getLogger("citybridge.realtime")

PRUNE_LOCK = (4, 0)  # advisory lock classes: 1 spaces, 2 users (changelog), 3 search


async def prune_loop(hub: Hub) -> None:
    """Prune the change log every prune_interval seconds, on one node at a time."""
    interval = hub.settings.prune_interval
    if interval <= 0:
        return
    await asyncio.sleep(min(interval, 60) * (0.5 + random.random()))
    while True:
        try:
            pruned = await retention.prune_once(
                hub.pool, PRUNE_LOCK, older_than=timedelta(days=hub.settings.retention_days)
            )
            if pruned:
                log.info("realtime: pruned %d change-log events", pruned)
        except Exception as failure:
            log.warning("realtime: pruning the change log failed: %s", failure)
        await asyncio.sleep(interval * (0.9 + 0.2 * random.random()))


async def gc_loop(hub: Hub) -> None:
    """Keep CPython's full garbage collections short. Each socket holds some 190 tracked objects
    (uvicorn, websockets, asyncio); a full collection walks all of them, which at 15,000 sockets
    blocks the loop for a second, and CPython runs one whenever the heap grew by a quarter.
    So every gc_freeze_interval seconds the survivors move to the permanent generation, which
    collections skip; every gc_full_interval seconds they move back and one full collection
    frees the cycles closed sockets left among them (one long pause then, instead of many).
    CPython's own full collections are off meanwhile (the process's threshold, given back when
    the hub stops)."""
    settings = hub.settings
    last_full = time.monotonic()
    with _FULL_COLLECTIONS_OFF:
        while True:
            await asyncio.sleep(settings.gc_freeze_interval)
            if time.monotonic() - last_full >= settings.gc_full_interval:
                last_full = time.monotonic()
                gc.unfreeze()
                gc.collect()
            else:
                gc.collect(1)  # the young generations: cheap, and their garbage is not frozen
            gc.freeze()


class _FullCollectionsOff:
    """CPython's own full collections, left to gc_loop while any hub of the process runs one:
    between freezes one walked every object a burst of connections had made that second (150-360 ms
    with 10,000-15,000 sockets connecting). Young collections go on as before. The threshold comes
    back when the last loop ends (tests run several hubs in one process, stopping in any order)."""

    def __init__(self) -> None:
        self.loops = 0
        self.saved = gc.get_threshold()

    def __enter__(self) -> None:
        if self.loops == 0:
            self.saved = gc.get_threshold()
            gc.set_threshold(self.saved[0], self.saved[1], 1_000_000)
        self.loops += 1

    def __exit__(self, *_exc) -> None:
        self.loops -= 1
        if self.loops == 0:
            gc.set_threshold(*self.saved)


_FULL_COLLECTIONS_OFF = _FullCollectionsOff()


# Upper bounds (ms) of the lag histogram each report carries; a last bucket counts the rest.
LAG_BUCKETS_MS = (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000)


async def monitor_loop(hub: Hub) -> None:
    """With CITYBRIDGE_LOOP_MONITOR=1: how late a 5 ms timer fires is how long the loop was blocked.
    Every second it logs that second's lags: their maximum, a histogram (LAG_BUCKETS_MS) from which
    a benchmark merges any span's percentiles, the longest garbage-collector pause (a usual suspect)
    and the worst lag since the start."""
    started: list[float] = []
    pause = [0.0]  # the longest gc pause in the current second

    def timing(phase: str, info: dict) -> None:
        if phase == "start":
            started[:] = [time.perf_counter()]
        elif started:
            pause[0] = max(pause[0], time.perf_counter() - started[0])

    hub.max_gc_pause = 0.0
    gc.callbacks.append(timing)
    counts = [0] * (len(LAG_BUCKETS_MS) + 1)
    worst = 0.0
    last_report = time.monotonic()
    try:
        while True:
            before = time.monotonic()
            await asyncio.sleep(0.005)
            now = time.monotonic()
            lag = now - before - 0.005
            worst = max(worst, lag)
            counts[bisect.bisect_left(LAG_BUCKETS_MS, lag * 1000)] += 1
            if now - last_report >= 1:
                last_report = now
                hub.max_loop_lag = max(hub.max_loop_lag, worst)
                hub.max_gc_pause = max(hub.max_gc_pause, pause[0])
                log.info(
                    "realtime: sockets=%d max event-loop lag %.1f ms (longest gc pause %.1f ms)",
                    len(hub.conns),
                    hub.max_loop_lag * 1000,
                    hub.max_gc_pause * 1000,
                    extra={
                        "lag_max_ms": round(worst * 1000, 1),
                        "lag_histogram": counts,
                        "gc_pause_max_ms": round(pause[0] * 1000, 1),
                    },
                )
                counts, worst, pause[0] = [0] * (len(LAG_BUCKETS_MS) + 1), 0.0, 0.0
    finally:
        gc.callbacks.remove(timing)
