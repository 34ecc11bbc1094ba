"""How long the change log keeps events, and pruning it.

Clients resume from any event id newer than the horizon (the largest id ever
pruned). A client asking for events from before it gets a `reset` frame and
refetches. Search's indexer also tails the log, so pruning never goes past
`keep_from_id` when the caller gives it (the indexer's cursor).
"""

from __future__ import annotations

from datetime import timedelta

import asyncpg


async def prune(conn: asyncpg.Connection, *, older_than: timedelta, keep_from_id: int | None = None) -> int:
    """Delete events older than `older_than` (and below keep_from_id); return how many went."""
    async with conn.transaction():
        cutoff = await conn.fetchval(
            "SELECT max(id) FROM events WHERE created_at < now() - $1::interval", older_than)
        if cutoff is None:
            return 0
        if keep_from_id is not None:
            cutoff = min(cutoff, keep_from_id - 1)
        await conn.execute(
            "INSERT INTO changelog_horizon (id, pruned_through) VALUES (1, $1) "
            "ON CONFLICT (id) DO UPDATE SET pruned_through = greatest(changelog_horizon.pruned_through, $1)",
            cutoff)
        deleted = await conn.execute("DELETE FROM events WHERE id <= $1", cutoff)
    return int(deleted.split()[-1])
