"""Coalescing look-ups: many sockets asking at once cost one query, not one each.

A key asked for while it is already waiting shares that answer; a key asked for while
its batch is already running waits for the next batch, so an answer never predates
the question (an access check after a revocation sees the revocation).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class Batcher(Generic[K, V]):
    def __init__(
        self, run: Callable[[list[K]], Awaitable[dict[K, V]]], *, max_batch: int = 500, concurrency: int = 2
    ) -> None:
        self._run = run
        self._max_batch = max_batch
        self._concurrency = concurrency
        self._waiting: dict[K, asyncio.Future] = {}
        self._running = 0
        self.batches = 0  # for tests and stats

    async def get(self, key: K) -> V | None:
        future = self._waiting.get(key)
        if future is None:
            future = self._waiting[key] = asyncio.get_running_loop().create_future()
            self._kick()
        return await asyncio.shield(future)

    def _kick(self) -> None:
        if self._waiting and self._running < self._concurrency:
            self._running += 1
            asyncio.get_running_loop().create_task(self._flush())

    async def _flush(self) -> None:
        try:
            while self._waiting:
                keys = list(self._waiting)[: self._max_batch]
                futures = [self._waiting.pop(key) for key in keys]
                self.batches += 1
                try:
                    answers = await self._run(keys)
                except BaseException as failure:
                    for future in futures:
                        if not future.done():
                            future.set_exception(
                                failure if isinstance(failure, Exception) else RuntimeError("cancelled")
                            )
                            future.exception()  # mark retrieved: a waiter may be gone
                    if not isinstance(failure, Exception):
                        raise
                    continue
                for key, future in zip(keys, futures, strict=False):
                    if not future.done():
                        future.set_result(answers.get(key))
        finally:
            self._running -= 1
