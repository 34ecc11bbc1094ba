"""Per-user rate limits that hold across every node: fixed one-minute windows counted in PostgreSQL.

Call `hit()` inside the request's transaction once the action is known to be new work (an
idempotent replay should not count). Over the limit it raises `TooManyRequests` (429 with
Retry-After); the caller's transaction then rolls back, the count included::

    await ratelimit.hit(ctx.db, ctx.user.id, "post", ctx.settings.rate_posts_per_minute)
"""

from __future__ import annotations

import random

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from server.errors import TooManyRequests
from server.observability.metrics import RATE_LIMITED

WINDOW_SECONDS = 60

_COUNT = text("""
    INSERT INTO rate_limits (bucket, window_start, hits)
    VALUES (:bucket, to_timestamp(floor(extract(epoch FROM now()) / :window) * :window), 1)
    ON CONFLICT (bucket, window_start) DO UPDATE SET hits = rate_limits.hits + 1
    RETURNING hits, ceil(extract(epoch FROM window_start) + :window - extract(epoch FROM now()))::int AS retry_after
""")
# SKIP LOCKED: two nodes sweeping at once must not deadlock each other.
_FORGET_OLD = text("""
    DELETE FROM rate_limits WHERE ctid IN (
        SELECT ctid FROM rate_limits WHERE window_start < now() - make_interval(secs => :keep)
        LIMIT 1000 FOR UPDATE SKIP LOCKED)
""")

NOUNS = {"post": "messages", "upload": "uploads", "search": "searches"}


async def hit(db: AsyncSession, user_id: int, action: str, per_minute: int) -> None:
    """Count one `action` by the user; raise TooManyRequests past `per_minute` (0 or less: no limit)."""
    if per_minute <= 0:
        return
    row = (await db.execute(_COUNT, {"bucket": f"{action}:{user_id}", "window": WINDOW_SECONDS})).one()
    if random.random() < 0.01:
        await db.execute(_FORGET_OLD, {"keep": WINDOW_SECONDS * 2})
    if row.hits > per_minute:
        RATE_LIMITED.labels(action).inc()
        noun = NOUNS.get(action, f"{action} requests")
        raise TooManyRequests(
            f"Too many {noun}: at most {per_minute} a minute. Try again shortly.", retry_after=max(1, row.retry_after)
        )
