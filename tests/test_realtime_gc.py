"""The hub keeps the garbage collector out of the event loop's way (realtime/upkeep.py gc_loop)."""

from __future__ import annotations

import asyncio
import gc
import time

from tests.harness import ServerThread


async def _until_set() -> None:
    deadline = time.monotonic() + 10
    while gc.get_threshold()[2] != 1_000_000 or gc.get_freeze_count() == 0:
        assert time.monotonic() < deadline, (gc.get_threshold(), gc.get_freeze_count())
        await asyncio.sleep(0.1)


async def test_the_hub_runs_full_collections_itself_and_gives_the_threshold_back(settings, database_url):
    """Several hubs in one process (as in the tests) may stop in any order: the threshold comes back
    when the last one stops."""
    before = gc.get_threshold()
    first = ServerThread(settings, database_url).start()
    second = None
    try:
        await _until_set()
        assert gc.get_threshold()[:2] == before[:2]  # young collections as before
        second = ServerThread(settings, database_url).start()
        await asyncio.sleep(1.5)
        first.stop()
        first = None
        assert gc.get_threshold()[2] == 1_000_000 or before[2] == 1_000_000  # the second still runs
    finally:
        for node in (first, second):
            if node is not None:
                node.stop()
    assert gc.get_threshold() == before
