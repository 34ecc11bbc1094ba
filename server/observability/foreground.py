"""Whether this node is answering HTTP requests right now, so that background work that can wait
(building and sending mail) yields to them: a post is answered first, its mails a moment later.

The observability middleware counts the requests in flight; a worker calls `quiet()` before each
piece of CPU-bound work. It waits while any request is being answered, but never longer than
`most` seconds, so that under constant traffic mail still goes out, only more slowly."""

from __future__ import annotations

import asyncio

STEP = 0.002  # seconds between two looks


class Foreground:
    def __init__(self) -> None:
        self.active = 0

    async def quiet(self, most: float = 0.05) -> None:
        await asyncio.sleep(0)  # at least one turn of the loop: a request just arrived gets to start
        waited = 0.0
        while self.active and waited < most:
            await asyncio.sleep(STEP)
            waited += STEP
