"""The hub keeps the garbage collector out of the event loop's way (realtime/upkeep.py gc_loop)."""

from __future__ import annotations

import asyncio
import gc
import time

from tests.harness import ServerThread


async def test_the_hub_runs_full_collections_itself_and_gives_the_threshold_back(settings, database_url):
    before = gc.get_threshold()
    node = ServerThread(settings, database_url).start()
    try:
        deadline = time.monotonic() + 10
        while gc.get_threshold()[2] != 1_000_000 or gc.get_freeze_count() == 0:
            assert time.monotonic() < deadline, (gc.get_threshold(), gc.get_freeze_count())
            await asyncio.sleep(0.1)
        assert gc.get_threshold()[:2] == before[:2]  # young collections as before
    finally:
        node.stop()
    assert gc.get_threshold() == before
