"""Background work of a node (the search indexer, the mail notifier, sender and digests): started
with the app, cancelled at shutdown, and a failed round (the database, the engine or the mail relay
went away) logged and started over after a growing pause, never more than a few seconds, so that
the work catches up soon after an outage."""

from __future__ import annotations

import asyncio
import logging

log = logging.getLogger("citybridge.background")


def retry_delay(failures: int) -> float:
    return min(5.0, 0.25 * 2 ** min(failures, 5))


class BackgroundWorker:
    task_name = "background"

    def __init__(self) -> None:
        self.is_leader = False
        self._task: asyncio.Task | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self.run(), name=self.task_name)

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except (asyncio.CancelledError, Exception):
                pass
            self._task = None

    async def run(self) -> None:
        failures = 0
        while True:
            try:
                await self.lead()
                failures = 0
            except asyncio.CancelledError:
                raise
            except Exception as error:
                self.is_leader = False
                failures += 1
                delay = retry_delay(failures)
                self.failed(error)
                log.warning("%s: %s; retrying in %.1fs", self.task_name, error, delay)
                await asyncio.sleep(delay)

    async def lead(self) -> None:
        """One stretch of work (usually: take this node's turn, then loop); it returns or raises
        when it must start over."""
        raise NotImplementedError

    def failed(self, error: Exception) -> None:
        """What a failed round leaves behind for /readyz (nothing by default)."""
