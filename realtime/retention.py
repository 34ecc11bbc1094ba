"""How long the change log keeps events, and pruning it.

Clients resume from any event id newer than the horizon (the largest id ever
pruned). A client asking for events from before it gets a `reset` frame and
refetches. Search's indexer also tails the log, so pruning never goes past its
position (`search_indexer_state`): `prune_once` passes the smallest one as
`keep_from_id`.
"""

from __future__ import annotations

import logging
from datetime import timedelta

import asyncpg

log = logging.getLogger("citybridge.realtime")

BATCH = 10_000  # events deleted per transaction


async def prune(conn: asyncpg.Connection, *, older_than: timedelta, keep_from_id: int | None = None) -> int:
    """Delete events older than `older_than` (and below keep_from_id); return how many went.

    Deletes in batches of ids; each batch commits its horizon together with its delete, so a
    resume that raced it either sees the rows or the horizon that says they are gone."""
    cutoff = await conn.fetchval("SELECT max(id) FROM events WHERE created_at < now() - $1::interval", older_than)
    if cutoff is None:
        return 0
    if keep_from_id is not None:
        cutoff = min(cutoff, keep_from_id - 1)
    total = 0
    while True:
        async with conn.transaction():
            upto = await conn.fetchval(
                "SELECT max(id) FROM (SELECT id FROM events WHERE id <= $1 ORDER BY id LIMIT $2) AS batch",
                cutoff,
                BATCH,
            )
            if upto is None:
                return total
            await conn.execute(
                "INSERT INTO changelog_horizon (id, pruned_through) VALUES (1, $1) "
                "ON CONFLICT (id) DO UPDATE SET pruned_through = greatest(changelog_horizon.pruned_through, $1)",
                upto,
            )
            deleted = await conn.execute("DELETE FROM events WHERE id <= $1", upto)
        total += int(deleted.split()[-1])
        if upto >= cutoff:
            return total


async def search_cursor(conn: asyncpg.Connection) -> int | None:
    """The smallest position of any search index (server/db/models/search.py): events after it
    are not indexed yet. None when no index has a position."""
    return await conn.fetchval("SELECT min(position) FROM search_indexer_state")


async def prune_once(pool: asyncpg.Pool, lock: tuple[int, int], *, older_than: timedelta) -> int:
    """One node's scheduled prune: only if it gets the advisory lock, and never past search."""
    async with pool.acquire() as conn:
        if not await conn.fetchval("SELECT pg_try_advisory_lock($1, $2)", *lock):
            return 0
        try:
            position = await search_cursor(conn)
            keep_from_id = position + 1 if position is not None else None
            pruned = await prune(conn, older_than=older_than, keep_from_id=keep_from_id)
            if keep_from_id is not None and await conn.fetchval(
                "SELECT EXISTS (SELECT 1 FROM events WHERE id >= $1 AND created_at < now() - $2::interval)",
                keep_from_id,
                older_than,
            ):
                log.warning(
                    "change log: expired events kept because search has not indexed them yet "
                    "(search_indexer_state position %d; a row of an index no longer used holds "
                    "pruning back until it is deleted)",
                    keep_from_id - 1,
                )
            return pruned
        finally:
            await conn.execute("SELECT pg_advisory_unlock($1, $2)", *lock)
