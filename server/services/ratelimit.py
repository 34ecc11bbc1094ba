"""Per-user rate limits that hold across every node: fixed one-minute windows counted in PostgreSQL.

Every limit is named once in `LIMITS`, with its default and the environment setting that changes
it. An endpoint declares the limit it counts against (`@endpoint(..., rate="post")`) and the
framework counts it (server/api/framework.py); over the limit the answer is `TooManyRequests`
(429 with Retry-After) and the request's transaction rolls back, the count included.
"""

from __future__ import annotations

import os
import random
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from server.db import driver
from server.errors import TooManyRequests
from server.observability.metrics import RATE_LIMITED

WINDOW_SECONDS = 60


@dataclass(frozen=True)
class Limit:
    name: str  # what endpoints declare; also the bucket and the metric's `action` label
    setting: str  # CITYBRIDGE_RATE_<setting>_PER_MINUTE
    per_minute: int  # the default
    noun: str  # "Too many <noun>"
    covers: str  # for the operator's documentation

    @property
    def env(self) -> str:
        return f"CITYBRIDGE_RATE_{self.setting}_PER_MINUTE"


LIMITS: dict[str, Limit] = {
    limit.name: limit
    for limit in (
        Limit("post", "POSTS", 30, "messages", "new threads and messages (a retried `client_id` is free)"),
        Limit("edit", "EDITS", 30, "edits", "message edits and deletions, thread changes"),
        Limit("reaction", "REACTIONS", 60, "reactions", "adding and taking back reactions"),
        Limit("flag", "FLAGS", 10, "flags", "flags on messages and resources"),
        Limit("join", "JOIN_REQUESTS", 5, "join requests", "requests to join a space"),
        Limit("upload", "UPLOADS", 10, "uploads", "file uploads"),
        Limit("library", "LIBRARY", 60, "library changes", "resources, collections and adaptations"),
        Limit("moderation", "MODERATION", 120, "moderation actions", "hiding, resolving flags, memberships"),
        Limit("invitation", "INVITATIONS", 30, "invitations", "inviting and withdrawing invitations"),
        Limit("manage", "MANAGE", 30, "changes", "creating and changing cities and spaces"),
        Limit("account", "ACCOUNT", 20, "account changes", "profile changes, API tokens"),
        Limit("conversation", "CONVERSATIONS", 10, "new conversations", "starting direct conversations (spam)"),
        Limit("totp", "TOTP", 10, "two-factor attempts", "starting, confirming and turning off two-factor sign-in"),
        Limit("read", "READS", 600, "read markers", "marking threads read"),
        Limit("calendar", "CALENDAR", 60, "calendar changes", "events, registrations and calendar feed addresses"),
        Limit("search", "SEARCHES", 120, "searches", "searches"),
        Limit("suggest", "SUGGESTIONS", 600, "suggestions", "search-as-you-type suggestions"),
        Limit("lineage", "LINEAGE", 60, "lineage views", "the network-wide lineage view (`GET /api/lineage`)"),
    )
}


def defaults() -> dict[str, int]:
    return {name: limit.per_minute for name, limit in LIMITS.items()}


def from_env(environ: Mapping[str, str] = os.environ) -> dict[str, int]:
    """Each limit's per-minute budget: its setting when given, else its default. 0 turns it off."""
    values = {}
    for name, limit in LIMITS.items():
        raw = environ.get(limit.env, "").strip()
        values[name] = int(raw) if raw else limit.per_minute
    return values


_WINDOW = "to_timestamp(floor(extract(epoch FROM now()) / $2) * $2)"
_COUNTED = """
    ON CONFLICT (bucket, window_start) DO UPDATE SET hits = rate_limits.hits + 1
    RETURNING hits, ceil(extract(epoch FROM window_start) + $2 - extract(epoch FROM now()))::int AS retry_after
"""
_COUNT = f"INSERT INTO rate_limits (bucket, window_start, hits) VALUES ($1, {_WINDOW}, 1) {_COUNTED}"
# The same, and the transaction's commit does not wait for the WAL flush: set_config runs as the row
# source is read, before the commit that it is for.
_COUNT_NO_FSYNC = (
    f"INSERT INTO rate_limits (bucket, window_start, hits) SELECT $1, {_WINDOW}, 1 "
    f"FROM (SELECT set_config('synchronous_commit', 'off', true)) AS no_fsync {_COUNTED}"
)
# SKIP LOCKED: two nodes sweeping at once must not deadlock each other.
_FORGET_OLD = """
    DELETE FROM rate_limits WHERE ctid IN (
        SELECT ctid FROM rate_limits WHERE window_start < now() - make_interval(secs => $1)
        LIMIT 1000 FOR UPDATE SKIP LOCKED)
"""


async def hit(
    db: AsyncSession, user_id: int, name: str, per_minute: int, *, durable: bool = True, alone: bool = False
) -> None:
    """Count one `name` action by the user; raise TooManyRequests past `per_minute` (0 or less: no limit).

    `durable=False` is for requests that write nothing but this count (a search): their commit need
    not wait for the WAL flush, since a count lost in a crash is harmless.

    One raw statement on the session's connection (server/db/driver.py): every post and every search
    counts, and SQLAlchemy's execution path cost more than the statement; the commit setting rides
    in the same statement."""
    if per_minute <= 0:
        return
    # `alone`: counted on its own, committed at once, even in a session that writes (nothing written
    # before it): a request that counts before it writes (framework.Context.count_now).
    connection = await (driver.connection_as_is(db) if alone else driver.connection(db))
    row = await connection.fetchrow(_COUNT if durable else _COUNT_NO_FSYNC, f"{name}:{user_id}", WINDOW_SECONDS)
    if random.random() < 0.01:
        await connection.execute(_FORGET_OLD, WINDOW_SECONDS * 2)
    if row["hits"] > per_minute:
        RATE_LIMITED.labels(name).inc()
        limit = LIMITS.get(name)
        noun = limit.noun if limit else f"{name} requests"
        raise TooManyRequests(
            f"Too many {noun}: at most {per_minute} a minute. Try again shortly.",
            retry_after=max(1, row["retry_after"]),
        )
